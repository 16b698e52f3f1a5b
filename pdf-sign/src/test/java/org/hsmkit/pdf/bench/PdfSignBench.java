package org.hsmkit.pdf.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.pdf.PadesLevel;
import org.hsmkit.pdf.PadesSigner;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.hsmkit.testdata.responders.PkiResponders;

import eu.europa.esig.dss.enumerations.DigestAlgorithm;
import eu.europa.esig.dss.enumerations.SignatureAlgorithm;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.SignatureValue;
import eu.europa.esig.dss.model.TimestampBinary;
import eu.europa.esig.dss.model.ToBeSigned;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.PAdESSignatureParameters;
import eu.europa.esig.dss.pades.signature.PAdESService;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.tsp.TSPSource;

/**
 * Signs N copies of a PDF in one JVM, with hsmkit or with EU DSS, the same key source and the
 * same loopback TSA, and prints the time per signature (after a warm-up of 5). Run by
 * bench/pdf-sign.sh; DSS runs on the Bouncy Castle release it is built on.
 *
 * <p>Arguments: {@code hsmkit|dss KEYSOURCE LEVEL N INPUT.pdf} with KEYSOURCE {@code memory}
 * (a JCA key) or {@code softhsm} (SoftHSM2 through PKCS#11, one login), LEVEL {@code B-B|B-T}.
 */
public final class PdfSignBench {
    private PdfSignBench() {
    }

    public static void main(String[] args) throws Exception {
        String engine = args[0];
        String keySource = args[1];
        PadesLevel level = PadesLevel.parse(args[2]);
        int n = Integer.parseInt(args[3]);
        Path input = Path.of(args[4]);
        try (PkiResponders responders = PkiResponders.start()) {
            TestPki.Credential alice = responders.pki().user(TestUser.ALICE_RSA2048);
            SoftHsmToken hsm = null;
            Token token = null;
            TokenKey key;
            if (keySource.equals("softhsm")) {
                hsm = SoftHsmToken.create("bench");
                token = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
                token.importKey(alice.privateKey(), alice.chain(), "alice", null);
                key = token.key("alice");
            } else {
                key = SoftKey.of(alice.privateKey(), alice.chain(), "alice");
            }
            Path work = Files.createTempDirectory("pdf-bench");
            List<Path> inputs = new ArrayList<>();
            for (int i = 0; i < n + 5; i++) {
                Path p = work.resolve("in-" + i + ".pdf");
                Files.copy(input, p);
                inputs.add(p);
            }
            Signer signer = engine.equals("dss") ? new DssSigner(key, alice.chain(), level, responders.tsaUrl())
                    : new HsmkitSigner(key, level, responders.tsaUrl());
            for (int i = 0; i < 5; i++) {
                signer.sign(inputs.get(i), work.resolve("warm-" + i + ".pdf"));
            }
            long start = System.nanoTime();
            for (int i = 5; i < n + 5; i++) {
                signer.sign(inputs.get(i), work.resolve("out-" + i + ".pdf"));
            }
            long ns = System.nanoTime() - start;
            System.out.printf("RESULT engine=%s key=%s level=%s n=%d total_ms=%.1f per_signature_ms=%.2f%n", engine, keySource,
                    level, n, ns / 1e6, ns / 1e6 / n);
            if (token != null) {
                token.close();
            }
            if (hsm != null) {
                hsm.close();
            }
        }
    }

    interface Signer {
        void sign(Path in, Path out) throws Exception;
    }

    static final class HsmkitSigner implements Signer {
        private final PadesSigner signer;

        HsmkitSigner(TokenKey key, PadesLevel level, String tsa) {
            signer = PadesSigner.builder(key).level(level).tsa(tsa).build();
        }

        @Override
        public void sign(Path in, Path out) {
            signer.sign(in, out, false);
        }
    }

    /** DSS's PAdESService, signing through the same TokenKey (hash on the host, one token call). */
    static final class DssSigner implements Signer {
        private final PAdESService service;
        private final TokenKey key;
        private final List<X509Certificate> chain;
        private final PadesLevel level;

        DssSigner(TokenKey key, List<X509Certificate> chain, PadesLevel level, String tsa) {
            this.key = key;
            this.chain = chain;
            this.level = level;
            service = new PAdESService(new CommonCertificateVerifier());
            service.setTspSource(new HttpTsp(tsa));
        }

        @Override
        public void sign(Path in, Path out) throws Exception {
            PAdESSignatureParameters p = new PAdESSignatureParameters();
            p.setSignatureLevel(level == PadesLevel.B_T ? SignatureLevel.PAdES_BASELINE_T : SignatureLevel.PAdES_BASELINE_B);
            p.setDigestAlgorithm(DigestAlgorithm.SHA256);
            p.setSigningCertificate(new CertificateToken(chain.get(0)));
            List<CertificateToken> tokens = new ArrayList<>();
            for (X509Certificate c : chain) {
                tokens.add(new CertificateToken(c));
            }
            p.setCertificateChain(tokens);
            DSSDocument doc = new FileDocument(in.toFile());
            ToBeSigned tbs = service.getDataToSign(doc, p);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tbs.getBytes());
            byte[] sig = key.signDigest(SignatureScheme.RSA_PKCS1, org.hsmkit.core.DigestAlgorithm.SHA256, digest);
            DSSDocument signed = service.signDocument(doc, p, new SignatureValue(SignatureAlgorithm.RSA_SHA256, sig));
            signed.save(out.toString());
        }
    }

    /** RFC 3161 over HTTP for DSS (its own online TSP source lives in a module not used here). */
    static final class HttpTsp implements TSPSource {
        private static final long serialVersionUID = 1L;
        private final String url;
        private final transient HttpClient http = HttpClient.newHttpClient();
        private final transient SecureRandom random = new SecureRandom();

        HttpTsp(String url) {
            this.url = url;
        }

        @Override
        public TimestampBinary getTimeStampResponse(DigestAlgorithm alg, byte[] digest) {
            try {
                TimeStampRequestGenerator g = new TimeStampRequestGenerator();
                g.setCertReq(true);
                TimeStampRequest req = g.generate(new ASN1ObjectIdentifier(alg.getOid()), digest, new BigInteger(64, random));
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/timestamp-query")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(req.getEncoded())).build(), HttpResponse.BodyHandlers.ofByteArray());
                TimeStampResponse resp = new TimeStampResponse(r.body());
                resp.validate(req);
                return new TimestampBinary(resp.getTimeStampToken().getEncoded());
            } catch (IOException | InterruptedException | org.bouncycastle.tsp.TSPException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
