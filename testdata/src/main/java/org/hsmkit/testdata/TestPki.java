package org.hsmkit.testdata;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A complete test PKI made in memory: a root CA, an intermediate CA, end-entity certificates for
 * every key type hsmkit supports, a time-stamping authority and an OCSP responder.
 *
 * <p>{@link #standard()} has no AIA or CRL distribution point URLs. Tests that run loopback
 * responders build their own with {@link #create(String)}, passing the base URL of their HTTP
 * server: certificates then carry {@code BASE/ocsp} (AIA OCSP), {@code BASE/ca/intermediate.crt}
 * and {@code BASE/ca/root.crt} (AIA caIssuers) and {@code BASE/crl/intermediate.crl},
 * {@code BASE/crl/root.crl} (CRL distribution points).
 */
public final class TestPki {
    /** Password of every PKCS#12 file {@link #writeTo(Path)} makes. */
    public static final String P12_PASSWORD = "test-password";

    private static volatile TestPki standard;
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    static {
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    /** An issued key pair with its certificate and chain (certificate, intermediate, root). */
    public record Credential(String name, KeyPair keyPair, X509Certificate certificate, List<X509Certificate> chain) {
        public PrivateKey privateKey() {
            return keyPair.getPrivate();
        }

        public PublicKey publicKey() {
            return keyPair.getPublic();
        }
    }

    private final String baseUrl;
    private final Credential root;
    private final Credential intermediate;
    private final Map<TestUser, Credential> users = new EnumMap<>(TestUser.class);
    private final Credential tsa;
    private final Credential ocspResponder;

    private TestPki(String baseUrl) throws GeneralSecurityException, IOException {
        this.baseUrl = baseUrl;
        Instant now = Instant.now();
        Date from = Date.from(now.minus(Duration.ofDays(30)));
        KeyPair rootKeys = rsa(3072);
        X500Name rootName = new X500Name("CN=hsmkit Test Root CA,O=hsmkit tests,C=DE");
        X509Certificate rootCert = issue(rootName, rootKeys.getPublic(), rootName, rootKeys, null,
                from, Date.from(now.plus(Duration.ofDays(3650))), true, null, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign),
                null, null, false);
        root = new Credential("root", rootKeys, rootCert, List.of(rootCert));

        KeyPair intKeys = rsa(2048);
        X500Name intName = new X500Name("CN=hsmkit Test Intermediate CA,O=hsmkit tests,C=DE");
        X509Certificate intCert = issue(intName, intKeys.getPublic(), rootName, rootKeys, rootCert,
                from, Date.from(now.plus(Duration.ofDays(3000))), true, 0, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign),
                null, "root", false);
        intermediate = new Credential("intermediate", intKeys, intCert, List.of(intCert, rootCert));

        for (TestUser u : TestUser.values()) {
            KeyPair kp = u.curve == null ? rsa(u.rsaBits) : ec(u.curve);
            X500Name dn = new X500Name("CN=" + u.commonName + ",E=" + u.email + ",O=hsmkit tests,C=DE");
            int ku = u.usage;
            X509Certificate c = issue(dn, kp.getPublic(), intName, intKeys, intCert, from,
                    Date.from(now.plus(Duration.ofDays(730))), false, null, new KeyUsage(ku),
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection, KeyPurposeId.id_kp_clientAuth}),
                    "intermediate", false, u.email);
            users.put(u, new Credential(u.fileName, kp, c, List.of(c, intCert, rootCert)));
        }

        KeyPair tsaKeys = rsa(2048);
        X509Certificate tsaCert = issue(new X500Name("CN=hsmkit Test TSA,O=hsmkit tests,C=DE"), tsaKeys.getPublic(), intName,
                intKeys, intCert, from, Date.from(now.plus(Duration.ofDays(1500))), false, null,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation),
                new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping), "intermediate", false);
        tsa = new Credential("tsa", tsaKeys, tsaCert, List.of(tsaCert, intCert, rootCert));

        KeyPair ocspKeys = ec("secp256r1");
        X509Certificate ocspCert = issue(new X500Name("CN=hsmkit Test OCSP Responder,O=hsmkit tests,C=DE"), ocspKeys.getPublic(),
                intName, intKeys, intCert, from, Date.from(now.plus(Duration.ofDays(1500))), false, null,
                new KeyUsage(KeyUsage.digitalSignature), new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning),
                "intermediate", true);
        ocspResponder = new Credential("ocsp", ocspKeys, ocspCert, List.of(ocspCert, intCert, rootCert));
    }

    /** The shared PKI without responder URLs; made once per JVM. */
    public static TestPki standard() {
        TestPki p = standard;
        if (p == null) {
            synchronized (TestPki.class) {
                p = standard;
                if (p == null) {
                    p = create(null);
                    standard = p;
                }
            }
        }
        return p;
    }

    /** A new PKI whose certificates point to responders under {@code baseUrl} (no trailing slash). */
    public static TestPki create(String baseUrl) {
        try {
            return new TestPki(baseUrl);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the test PKI", e);
        }
    }

    public Credential root() {
        return root;
    }

    public Credential intermediate() {
        return intermediate;
    }

    public Credential user(TestUser user) {
        return users.get(user);
    }

    public Credential tsa() {
        return tsa;
    }

    public Credential ocspResponder() {
        return ocspResponder;
    }

    /** The base URL given at creation, or null. */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Issues a further end-entity certificate, for tests that need odd ones (expired, wrong key
     * usage, another e-mail address).
     */
    public Credential issueUser(String name, KeyPair keys, String email, int keyUsage, KeyPurposeId[] ekus,
            Instant notBefore, Instant notAfter) {
        return issueUser(name, new X500Name("CN=" + name + (email == null ? "" : ",E=" + email) + ",O=hsmkit tests,C=DE"), keys,
                email, keyUsage, ekus, notBefore, notAfter);
    }

    /** The same with a subject of the test's choosing (attribute types and string encodings as given). */
    public Credential issueUser(X500Name dn, KeyPair keys, String email, int keyUsage, KeyPurposeId[] ekus,
            Instant notBefore, Instant notAfter) {
        return issueUser(dn.toString(), dn, keys, email, keyUsage, ekus, notBefore, notAfter);
    }

    private Credential issueUser(String name, X500Name dn, KeyPair keys, String email, int keyUsage, KeyPurposeId[] ekus,
            Instant notBefore, Instant notAfter) {
        try {
            X509Certificate c = issue(dn, keys.getPublic(), X500Name.getInstance(intermediate.certificate().getSubjectX500Principal().getEncoded()),
                    intermediate.keyPair(), intermediate.certificate(), Date.from(notBefore), Date.from(notAfter), false, null,
                    new KeyUsage(keyUsage), ekus == null ? null : new ExtendedKeyUsage(ekus), "intermediate", false, email);
            return new Credential(name, keys, c, List.of(c, intermediate.certificate(), root.certificate()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes every credential to {@code dir}: {@code root.pem}, {@code intermediate.pem},
     * {@code ca-chain.pem} (intermediate then root), and per user/TSA/OCSP {@code NAME.pem}
     * (certificate), {@code NAME.key.pem} (unencrypted PKCS#8), {@code NAME.chain.pem} and
     * {@code NAME.p12} (password {@link #P12_PASSWORD}). Returns {@code dir}.
     */
    public Path writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
            writePem(dir.resolve("root.pem"), List.of(root.certificate()));
            writePem(dir.resolve("intermediate.pem"), List.of(intermediate.certificate()));
            writePem(dir.resolve("ca-chain.pem"), List.of(intermediate.certificate(), root.certificate()));
            List<Credential> all = new ArrayList<>(users.values());
            all.add(tsa);
            all.add(ocspResponder);
            for (Credential c : all) {
                writeCredential(dir, c);
            }
            return dir;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the test PKI to " + dir, e);
        }
    }

    /** Writes one credential's four files into {@code dir} under its name. */
    public static void writeCredential(Path dir, Credential c) throws IOException, GeneralSecurityException {
        writePem(dir.resolve(c.name() + ".pem"), List.of(c.certificate()));
        writePem(dir.resolve(c.name() + ".chain.pem"), c.chain());
        try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(dir.resolve(c.name() + ".key.pem")))) {
            w.writeObject(new JcaPKCS8Generator(c.privateKey(), null));
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(c.name(), c.privateKey(), P12_PASSWORD.toCharArray(), c.chain().toArray(new X509Certificate[0]));
        try (OutputStream out = Files.newOutputStream(dir.resolve(c.name() + ".p12"))) {
            ks.store(out, P12_PASSWORD.toCharArray());
        }
    }

    /** PEM text of certificates, concatenated. */
    public static String pem(List<X509Certificate> certs) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            for (X509Certificate c : certs) {
                w.writeObject(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    private static void writePem(Path file, List<X509Certificate> certs) throws IOException {
        Files.writeString(file, pem(certs), StandardCharsets.US_ASCII);
    }

    private X509Certificate issue(X500Name subject, PublicKey subjectKey, X500Name issuer, KeyPair issuerKeys,
            X509Certificate issuerCert, Date from, Date to, boolean ca, Integer pathLen, KeyUsage ku,
            ExtendedKeyUsage eku, String issuerName, boolean ocspNoCheck, String... emails)
            throws GeneralSecurityException, IOException {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
                from, to, subject, subjectKey);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
        if (issuerCert != null) {
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
        } else {
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(subjectKey));
        }
        b.addExtension(Extension.basicConstraints, true,
                ca ? (pathLen == null ? new BasicConstraints(true) : new BasicConstraints(pathLen)) : new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, ku);
        if (eku != null) {
            // RFC 3161 section 2.3: a TSA certificate's only key purpose is timeStamping, marked critical.
            boolean tsa = eku.hasKeyPurposeId(KeyPurposeId.id_kp_timeStamping);
            b.addExtension(Extension.extendedKeyUsage, tsa, eku);
        }
        if (emails != null && emails.length > 0 && emails[0] != null) {
            GeneralName[] names = new GeneralName[emails.length];
            for (int i = 0; i < emails.length; i++) {
                names[i] = new GeneralName(GeneralName.rfc822Name, emails[i]);
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        if (ocspNoCheck) {
            b.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
        }
        if (baseUrl != null && issuerName != null) {
            List<AccessDescription> aia = new ArrayList<>();
            if (!ocspNoCheck) {
                aia.add(new AccessDescription(X509ObjectIdentifiers.ocspAccessMethod,
                        new GeneralName(GeneralName.uniformResourceIdentifier, baseUrl + "/ocsp")));
            }
            aia.add(new AccessDescription(AccessDescription.id_ad_caIssuers,
                    new GeneralName(GeneralName.uniformResourceIdentifier, baseUrl + "/ca/" + issuerName + ".crt")));
            b.addExtension(Extension.authorityInfoAccess, false,
                    new AuthorityInformationAccess(aia.toArray(new AccessDescription[0])));
            DistributionPoint dp = new DistributionPoint(new DistributionPointName(new GeneralNames(
                    new GeneralName(GeneralName.uniformResourceIdentifier, baseUrl + "/crl/" + issuerName + ".crl"))), null, null);
            b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {dp}));
        }
        String alg = issuerKeys.getPrivate().getAlgorithm().startsWith("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        ContentSigner signer;
        try {
            signer = new JcaContentSignerBuilder(alg).build(issuerKeys.getPrivate());
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static KeyPair rsa(int bits) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits, new SecureRandom());
        return g.generateKeyPair();
    }

    private static KeyPair ec(String curve) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BouncyCastleProvider.PROVIDER_NAME);
        g.initialize(new ECGenParameterSpec(curve), new SecureRandom());
        return g.generateKeyPair();
    }
}
