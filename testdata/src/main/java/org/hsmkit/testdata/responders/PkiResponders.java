package org.hsmkit.testdata.responders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestPki.Credential;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The services a PKI publishes, on one loopback HTTP server with an ephemeral port, for the
 * {@link TestPki} whose certificates point at it: an RFC 3161 time-stamping authority
 * ({@code /tsa}), an RFC 6960 OCSP responder ({@code /ocsp}, POST), CRLs
 * ({@code /crl/intermediate.crl}, {@code /crl/root.crl}) and AIA issuer certificates
 * ({@code /ca/intermediate.crt}, {@code /ca/root.crt}).
 *
 * <p>The server is bound before the PKI is made, so the certificates carry its real port. Each
 * service can be switched to fail (HTTP 503) and certificates can be revoked while it runs.
 * OCSP answers for end entities are signed by the delegated responder; for the intermediate CA,
 * by the root itself.
 */
public final class PkiResponders implements AutoCloseable {
    /** The policy the test TSA stamps under. */
    public static final ASN1ObjectIdentifier TSA_POLICY = new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1.1");

    private volatile String timestampAlgorithm = "SHA256withRSA";
    private volatile String ocspDigest = "SHA256";
    private volatile String crlDigest = "SHA256";

    /** A service that can be switched off. */
    public enum Service { TSA, OCSP, CRL, AIA }

    private final HttpServer server;
    private final String baseUrl;
    private final TestPki pki;
    private final Set<Service> failing = ConcurrentHashMap.newKeySet();
    private final Map<BigInteger, Instant> revoked = new ConcurrentHashMap<>();
    private final Map<Service, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final DigestCalculatorProvider digests;
    private volatile Credential tsa;

    private PkiResponders() throws Exception {
        // Without TCP_NODELAY the JDK server's small answers wait for the client's delayed ACK
        // (about 40 ms each on Linux), which would dominate every time-stamp and OCSP request.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
        pki = TestPki.create(baseUrl);
        digests = new JcaDigestCalculatorProviderBuilder().build();
        tsa = issueTsa("SHA256withRSA");
        for (Service s : Service.values()) {
            hits.put(s, new AtomicInteger());
        }
        server.createContext("/tsa", ex -> handle(ex, Service.TSA, () -> timestamp(ex), "application/timestamp-reply"));
        server.createContext("/ocsp", ex -> handle(ex, Service.OCSP, () -> ocsp(ex), "application/ocsp-response"));
        server.createContext("/crl/", ex -> handle(ex, Service.CRL, () -> crl(ex), "application/pkix-crl"));
        server.createContext("/ca/", ex -> handle(ex, Service.AIA, () -> caCert(ex), "application/pkix-cert"));
        server.setExecutor(null);
        server.start();
    }

    /**
     * Signs the time-stamp tokens from now on with {@code jcaName} (default SHA256withRSA), for
     * tests of what a verifier makes of an old authority's SHA1withRSA tokens.
     */
    public void timestampSignatureAlgorithm(String jcaName) {
        timestampAlgorithm = jcaName;
    }

    /**
     * Signs OCSP responses and CRLs from now on with {@code digest} ("SHA256" by default, "SHA1" as
     * old responders still do), for tests of what a verifier makes of such revocation data.
     */
    public void revocationDigest(String digest) {
        ocspDigest = digest;
        crlDigest = digest;
    }

    /** {@link #revocationDigest(String)} for one of {@link Service#OCSP} and {@link Service#CRL}. */
    public void revocationDigest(Service service, String digest) {
        switch (service) {
            case OCSP -> ocspDigest = digest;
            case CRL -> crlDigest = digest;
            default -> throw new IllegalArgumentException(service + " signs no revocation data");
        }
    }

    /** Binds the server on 127.0.0.1 (ephemeral port), makes the PKI for it and starts serving. */
    public static PkiResponders start() {
        try {
            return new PkiResponders();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the loopback PKI responders", e);
        }
    }

    /** The PKI whose certificates point at this server. */
    public TestPki pki() {
        return pki;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String tsaUrl() {
        return baseUrl + "/tsa";
    }

    public String ocspUrl() {
        return baseUrl + "/ocsp";
    }

    /** A URL on 127.0.0.1 where nothing listens (a port bound and released again). */
    public static String unreachableUrl(String path) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The credential the TSA signs with: issued by the intermediate CA like {@link TestPki#tsa()},
     * but with the extended key usage marked critical as RFC 3161 (2.3) requires, which Bouncy
     * Castle's token generator enforces.
     */
    public Credential tsa() {
        return tsa;
    }

    /**
     * From now on, time-stamps come from a new TSA certificate that the intermediate CA signs with
     * {@code jcaName} (default SHA256withRSA), for tests of an authority whose path is weak.
     */
    public void tsaCertificateAlgorithm(String jcaName) {
        try {
            tsa = issueTsa(jcaName);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Credential issueTsa(String algorithm) throws Exception {
        Credential ca = pki.intermediate();
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now();
        org.bouncycastle.cert.X509v3CertificateBuilder b = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                ca.certificate(), BigInteger.valueOf(now.toEpochMilli()).shiftLeft(8).add(BigInteger.valueOf(random.nextInt(255))),
                Date.from(now.minus(Duration.ofDays(30))), Date.from(now.plus(Duration.ofDays(1500))),
                new X500Name("CN=hsmkit Test TSA,OU=loopback,O=hsmkit tests,C=DE"), kp.getPublic());
        org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils ext = new org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils();
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
        b.addExtension(Extension.basicConstraints, true, new org.bouncycastle.asn1.x509.BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new org.bouncycastle.asn1.x509.KeyUsage(
                org.bouncycastle.asn1.x509.KeyUsage.digitalSignature | org.bouncycastle.asn1.x509.KeyUsage.nonRepudiation));
        b.addExtension(Extension.extendedKeyUsage, true,
                new org.bouncycastle.asn1.x509.ExtendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_timeStamping));
        b.addExtension(Extension.authorityInfoAccess, false, new org.bouncycastle.asn1.x509.AuthorityInformationAccess(
                new org.bouncycastle.asn1.x509.AccessDescription[] {
                    new org.bouncycastle.asn1.x509.AccessDescription(org.bouncycastle.asn1.x509.X509ObjectIdentifiers.ocspAccessMethod,
                            new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier, ocspUrl())),
                    new org.bouncycastle.asn1.x509.AccessDescription(org.bouncycastle.asn1.x509.AccessDescription.id_ad_caIssuers,
                            new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier,
                                    baseUrl + "/ca/intermediate.crt"))}));
        b.addExtension(Extension.cRLDistributionPoints, false, new org.bouncycastle.asn1.x509.CRLDistPoint(
                new org.bouncycastle.asn1.x509.DistributionPoint[] {new org.bouncycastle.asn1.x509.DistributionPoint(
                        new org.bouncycastle.asn1.x509.DistributionPointName(new org.bouncycastle.asn1.x509.GeneralNames(
                                new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier,
                                        baseUrl + "/crl/intermediate.crl"))), null, null)}));
        X509Certificate cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder(algorithm).build(ca.privateKey())));
        return new Credential("tsa", kp, cert, List.of(cert, ca.certificate(), pki.root().certificate()));
    }

    /** Makes a service answer HTTP 503 (true) or work again (false). */
    public void fail(Service service, boolean failing) {
        if (failing) {
            this.failing.add(service);
        } else {
            this.failing.remove(service);
        }
    }

    /** Lists the certificate as revoked (keyCompromise, now) in OCSP answers and CRLs. */
    public void revoke(X509Certificate certificate) {
        revoked.put(certificate.getSerialNumber(), Instant.now().minusSeconds(1));
    }

    /** How many requests a service has received. */
    public int requests(Service service) {
        return hits.get(service).get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private interface Body {
        byte[] make() throws Exception;
    }

    private void handle(HttpExchange ex, Service service, Body body, String contentType) throws IOException {
        hits.get(service).incrementAndGet();
        try (ex) {
            if (failing.contains(service)) {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(503, -1);
                return;
            }
            byte[] out;
            try {
                out = body.make();
            } catch (NotFound e) {
                ex.sendResponseHeaders(404, -1);
                return;
            } catch (Exception e) {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        }
    }

    private static final class NotFound extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private static byte[] requestBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private byte[] timestamp(HttpExchange ex) throws Exception {
        TimeStampRequest req = new TimeStampRequest(requestBody(ex));
        TimeStampTokenGenerator gen = new TimeStampTokenGenerator(
                new JcaSimpleSignerInfoGeneratorBuilder().build(timestampAlgorithm, tsa.privateKey(), tsa.certificate()),
                digests.get(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                        org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256)),
                TSA_POLICY);
        gen.addCertificates(new JcaCertStore(tsa.chain()));
        TimeStampResponseGenerator resp = new TimeStampResponseGenerator(gen,
                Set.of(TSPAlgorithms.SHA256, TSPAlgorithms.SHA384, TSPAlgorithms.SHA512));
        TimeStampResponse r = resp.generate(req, new BigInteger(64, random), new Date());
        return r.getEncoded();
    }

    private byte[] ocsp(HttpExchange ex) throws Exception {
        OCSPReq req = new OCSPReq(requestBody(ex));
        Req[] requests = req.getRequestList();
        if (requests.length == 0) {
            return new OCSPRespBuilder().build(OCSPRespBuilder.MALFORMED_REQUEST, null).getEncoded();
        }
        // One signer per response: the root for the intermediate's status, the delegated responder
        // for certificates the intermediate issued.
        CertificateID first = requests[0].getCertID();
        X509CertificateHolder intermediate = new JcaX509CertificateHolder(pki.intermediate().certificate());
        X509CertificateHolder root = new JcaX509CertificateHolder(pki.root().certificate());
        boolean byRoot = first.matchesIssuer(root, digests);
        boolean byIntermediate = first.matchesIssuer(intermediate, digests);
        if (!byRoot && !byIntermediate) {
            return new OCSPRespBuilder().build(OCSPRespBuilder.UNAUTHORIZED, null).getEncoded();
        }
        Credential signer = byRoot ? pki.root() : pki.ocspResponder();
        BasicOCSPRespBuilder b = new JcaBasicOCSPRespBuilder(signer.publicKey(),
                digests.get(CertificateID.HASH_SHA1));
        Instant now = Instant.now();
        for (Req r : requests) {
            CertificateID id = r.getCertID();
            CertificateStatus status;
            if (!id.matchesIssuer(byRoot ? root : intermediate, digests)) {
                status = new UnknownStatus();
            } else if (revoked.containsKey(id.getSerialNumber())) {
                status = new RevokedStatus(Date.from(revoked.get(id.getSerialNumber())), CRLReason.keyCompromise);
            } else {
                status = CertificateStatus.GOOD;
            }
            b.addResponse(id, status, Date.from(now.minusSeconds(1)), Date.from(now.plus(Duration.ofDays(1))), null);
        }
        Extension nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (nonce != null) {
            b.setResponseExtensions(new Extensions(nonce));
        }
        String alg = ocspDigest + (signer.privateKey().getAlgorithm().startsWith("EC") ? "withECDSA" : "withRSA");
        ContentSigner cs = new JcaContentSignerBuilder(alg).build(signer.privateKey());
        X509CertificateHolder[] certs = byRoot ? new X509CertificateHolder[0]
                : new X509CertificateHolder[] {new JcaX509CertificateHolder(signer.certificate())};
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, b.build(cs, certs, new Date())).getEncoded();
    }

    private byte[] crl(HttpExchange ex) throws Exception {
        String path = ex.getRequestURI().getPath();
        Credential issuer;
        if (path.equals("/crl/intermediate.crl")) {
            issuer = pki.intermediate();
        } else if (path.equals("/crl/root.crl")) {
            issuer = pki.root();
        } else {
            throw new NotFound();
        }
        Instant now = Instant.now();
        X509v2CRLBuilder b = new X509v2CRLBuilder(
                X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()), Date.from(now.minusSeconds(1)));
        b.setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
        for (Map.Entry<BigInteger, Instant> e : revoked.entrySet()) {
            b.addCRLEntry(e.getKey(), Date.from(e.getValue()), CRLReason.keyCompromise);
        }
        b.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.ASN1Integer(now.toEpochMilli()));
        b.addExtension(Extension.authorityKeyIdentifier, false,
                new org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.certificate()));
        ContentSigner cs = new JcaContentSignerBuilder(crlDigest + "withRSA").build(issuer.privateKey());
        return b.build(cs).getEncoded();
    }

    private byte[] caCert(HttpExchange ex) throws Exception {
        String path = ex.getRequestURI().getPath();
        List<X509Certificate> match = switch (path) {
            case "/ca/intermediate.crt" -> List.of(pki.intermediate().certificate());
            case "/ca/root.crt" -> List.of(pki.root().certificate());
            default -> throw new NotFound();
        };
        return match.get(0).getEncoded();
    }
}
