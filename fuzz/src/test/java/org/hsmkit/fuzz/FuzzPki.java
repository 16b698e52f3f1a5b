package org.hsmkit.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.core.internal.Providers;

/**
 * The fixed keys and contents behind the seed corpora: a root CA with an RSA-2048 and a P-256
 * end entity (valid 2020 to 2119), stored as PEM files beside the corpora so that seeds made once
 * stay decryptable and verifiable. The private keys are test keys and nothing else.
 */
final class FuzzPki {
    static final String RESOURCES = "/org/hsmkit/fuzz/pki/";
    static final String RSA_EMAIL = "rsa@fuzz.hsmkit.test";
    static final String EC_EMAIL = "ec@fuzz.hsmkit.test";
    static final String PASSPHRASE = "fuzz-passphrase";
    /** What every signed seed (CMS, S/MIME, detached content) signs. */
    static final byte[] SIGNED_CONTENT = "hsmkit fuzz corpus: the signed words\n".getBytes(StandardCharsets.US_ASCII);
    static final String MAIL_BODY = "hsmkit fuzz corpus: a signed and encrypted mail body";

    private static volatile FuzzPki loaded;

    final X509Certificate root;
    final X509Certificate rsaCertificate;
    final X509Certificate ecCertificate;
    final SoftKey rsaKey;
    final SoftKey ecKey;

    private FuzzPki() {
        root = certificate("root.pem");
        rsaCertificate = certificate("rsa.pem");
        ecCertificate = certificate("ec.pem");
        rsaKey = new SoftKey(privateKey("rsa.key.pem"), rsaCertificate.getPublicKey(), List.of(rsaCertificate, root), "rsa", null);
        ecKey = new SoftKey(privateKey("ec.key.pem"), ecCertificate.getPublicKey(), List.of(ecCertificate, root), "ec", null);
    }

    private static volatile org.hsmkit.core.ca.CertificateAuthority ca;

    /**
     * A CA in a scratch directory, made once per JVM, with the corpus EC key and the subject of its
     * certificate: OCSP requests made for that certificate's issuer are the CA's own.
     */
    static synchronized org.hsmkit.core.ca.CertificateAuthority ca() {
        if (ca == null) {
            java.nio.file.Path dir = Scratch.directory("ca").resolve("ca");
            FuzzPki pki = get();
            org.hsmkit.core.ca.CertificateAuthority.init(dir, pki.ecKey, new org.bouncycastle.asn1.x500.X500Name(
                    "CN=Fuzz EC,O=hsmkit fuzz corpus"), new org.hsmkit.core.ca.Validity(100, 'y'), java.util.Optional.empty(),
                    new org.hsmkit.core.ca.CaSettings(java.util.Optional.empty(), java.util.Optional.empty(), "ec", java.util.Optional.empty(),
                            java.util.Optional.empty(), java.util.Optional.empty(), null, null, null));
            ca = org.hsmkit.core.ca.CertificateAuthority.open(dir, pki.ecKey);
        }
        return ca;
    }

    static FuzzPki get() {
        FuzzPki p = loaded;
        if (p == null) {
            synchronized (FuzzPki.class) {
                if (loaded == null) {
                    loaded = new FuzzPki();
                }
                p = loaded;
            }
        }
        return p;
    }

    List<TokenKey> keys() {
        return List.of(rsaKey, ecKey);
    }

    /**
     * The plaintexts of the encrypted seeds: lengths around the block size and a chunk of the
     * stream decryption, each filled with a pattern of its own.
     */
    static List<byte[]> plaintexts() {
        return IntStream.of(0, 1, 15, 16, 17, 1000, 5000).mapToObj(FuzzPki::plaintext).toList();
    }

    static byte[] plaintext(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + length);
        }
        return b;
    }

    /** SHA-256 hex of each plaintext, for checking that a decryption gave one of them. */
    static Set<String> plaintextDigests() {
        return plaintexts().stream().map(FuzzPki::sha256).collect(Collectors.toSet());
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] resource(String path) {
        try (InputStream in = FuzzPki.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path + " (made by bench/fuzz.sh seeds)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate certificate(String name) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(resource(RESOURCES + name)));
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey(String name) {
        try (PEMParser p = new PEMParser(new InputStreamReader(new ByteArrayInputStream(resource(RESOURCES + name)),
                StandardCharsets.US_ASCII))) {
            return new JcaPEMKeyConverter().setProvider(Providers.bc()).getPrivateKey(PrivateKeyInfo.getInstance(p.readObject()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
