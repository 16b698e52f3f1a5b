package org.hsmkit.core.cms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.cms.AlgorithmPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What verification no longer relies on (NIST SP 800-131A): a signature with MD5 or SHA-1, a signer
 * key under 2048 bits (RSA), a certificate of the path signed with MD5 or SHA-1. openssl cms
 * accepts all of these; a CMS signature carries no time-stamp that could prove it older.
 */
class WeakAlgorithmTest {
    static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    static final byte[] CONTENT = "the contract".getBytes(StandardCharsets.UTF_8);
    static final KeyPair CA_KEYS = rsa(2048);
    static final X509Certificate ROOT = certificate("CN=weak-algorithm root", CA_KEYS, CA_KEYS, "SHA256withRSA", true);

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate certificate(String name, KeyPair subject, KeyPair issuer, String algorithm, boolean ca) {
        try {
            Instant now = Instant.now();
            X500Name issuerName = new X500Name("CN=weak-algorithm root");
            return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(9, ChronoUnit.DAYS)),
                    new X500Name(name), subject.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign : KeyUsage.digitalSignature))
                    .build(new JcaContentSignerBuilder(algorithm).build(issuer.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An attached CMS signature over {@link #CONTENT} by {@code keys} with {@code algorithm}, carrying {@code cert}. */
    static byte[] signed(KeyPair keys, X509Certificate cert, String algorithm) throws Exception {
        CMSSignedDataGenerator g = new CMSSignedDataGenerator();
        g.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .build(new JcaContentSignerBuilder(algorithm).setProvider(BC).build(keys.getPrivate()), cert));
        g.addCertificates(new JcaCertStore(List.of(cert)));
        return g.generate(new CMSProcessableByteArray(CONTENT), true).getEncoded();
    }

    static List<CmsVerifier.Signer> verify(byte[] signature) {
        return CmsVerifier.trusting(List.of(ROOT)).verify(new ByteArrayInputStream(signature), null, null);
    }

    static Stream<Arguments> refused() {
        KeyPair good = rsa(2048);
        KeyPair short1024 = rsa(1024);
        X509Certificate goodCert = certificate("CN=signer", good, CA_KEYS, "SHA256withRSA", false);
        return Stream.of(
                Arguments.of("SHA1withRSA", good, goodCert, "the signature of CN=signer uses SHA-1, not relied on for signatures since 2014"),
                Arguments.of("MD5withRSA", good, goodCert, "the signature of CN=signer uses MD5, not relied on for signatures since 2005"),
                Arguments.of("SHA1withRSAandMGF1", good, goodCert, "the signature of CN=signer uses SHA-1"),
                Arguments.of("SHA256withRSA", short1024, certificate("CN=short", short1024, CA_KEYS, "SHA256withRSA", false),
                        "the signer CN=short has a 1024-bit RSA key, not relied on for signatures since 2014"),
                Arguments.of("SHA256withRSA", good, certificate("CN=md5-issued", good, CA_KEYS, "MD5withRSA", false),
                        "the certificate CN=md5-issued is signed by its issuer with MD5"),
                Arguments.of("SHA256withRSA", good, certificate("CN=sha1-issued", good, CA_KEYS, "SHA1withRSA", false),
                        "the certificate CN=sha1-issued is signed by its issuer with SHA-1"));
    }

    @ParameterizedTest(name = "{0} by {2}")
    @MethodSource("refused")
    void aWeakSignatureOrPathIsAVerificationFailureThatSaysWhatIsWeak(String algorithm, KeyPair keys, X509Certificate cert,
            String message) throws Exception {
        byte[] signature = signed(keys, cert, algorithm);
        HsmkitException e = assertThrows(HsmkitException.class, () -> verify(signature));
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        if (message.startsWith("the certificate")) {
            assertEquals(AlgorithmPolicy.WeakAlgorithm.HINT, e.hint().orElseThrow(), "a weak path is not a matter of --trust");
        } else {
            assertTrue(e.hint().orElseThrow().startsWith(message.contains("-bit") ? "the signer needs a new key pair" : "ask the signer to sign again"),
                    e.hint().orElseThrow());
        }
    }

    /** The boundary: 2048-bit RSA with SHA-256 throughout, and a PSS signature with SHA-256. */
    @Test
    void sha256AndA2048BitKeyAreReliedOn() throws Exception {
        KeyPair keys = rsa(2048);
        X509Certificate cert = certificate("CN=fine", keys, CA_KEYS, "SHA256withRSA", false);
        assertEquals(cert, verify(signed(keys, cert, "SHA256withRSA")).get(0).certificate());
        assertEquals(cert, verify(signed(keys, cert, "SHA256withRSAandMGF1")).get(0).certificate());
    }

    /** The anchor itself is not judged: a root that signs itself with SHA-1 is the user's choice to rely on. */
    @Test
    void aTrustAnchorSelfSignedWithSha1IsNotJudged() throws Exception {
        X509Certificate oldRoot = certificate("CN=weak-algorithm root", CA_KEYS, CA_KEYS, "SHA1withRSA", true);
        KeyPair keys = rsa(2048);
        X509Certificate cert = certificate("CN=under an old root", keys, CA_KEYS, "SHA256withRSA", false);
        List<CmsVerifier.Signer> signers = CmsVerifier.trusting(List.of(oldRoot))
                .verify(new ByteArrayInputStream(signed(keys, cert, "SHA256withRSA")), null, null);
        assertEquals(cert, signers.get(0).certificate());
    }
}
