package org.hsmkit.core.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.testdata.CriticalPolicyChain;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.SignedAttributesOutOfOrder;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CMS signatures made with token keys verify with path validation, and tampering is caught. */
class CmsSignatureTest {
    private static final byte[] CONTENT = CmsEncryptionRoundTripTest.random(200_001, 9);
    private static final List<X509Certificate> ROOT = List.of(TestPki.standard().root().certificate());

    static List<Arguments> keysAndModes() {
        List<Arguments> out = new ArrayList<>();
        for (TestUser u : List.of(TestUser.ALICE_RSA2048, TestUser.BOB_P256, TestUser.CAROL_P384, TestUser.DAVE_P521, TestUser.GRACE_BP512)) {
            for (boolean attached : new boolean[] {false, true}) {
                out.add(Arguments.of(u, SignatureScheme.defaultFor(RecipientSetTest.key(u).type()), attached));
            }
        }
        out.add(Arguments.of(TestUser.ANDY_RSA3072, SignatureScheme.RSA_PSS, false));
        out.add(Arguments.of(TestUser.ANDY_RSA3072, SignatureScheme.RSA_PSS, true));
        return out;
    }

    static byte[] sign(SoftKey key, SignatureScheme scheme, boolean attached, boolean armor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CmsSigner.with(key).scheme(scheme).attached(attached).armor(armor).build().sign(new ByteArrayInputStream(CONTENT), out);
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0} {1} attached={2}")
    @MethodSource("keysAndModes")
    void signaturesVerifyAgainstTheRoot(TestUser u, SignatureScheme scheme, boolean attached) throws Exception {
        SoftKey key = RecipientSetTest.key(u);
        byte[] sig = sign(key, scheme, attached, attached);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        List<CmsVerifier.Signer> signers = CmsVerifier.trusting(ROOT).verify(new ByteArrayInputStream(sig),
                attached ? null : new ByteArrayInputStream(CONTENT), content);
        assertEquals(1, signers.size());
        assertEquals(key.certificate().get(), signers.get(0).certificate());
        assertEquals(3, signers.get(0).path().size());
        // named as smime verify names it
        String digest = switch (u) {
            case CAROL_P384 -> "SHA384";
            case DAVE_P521, GRACE_BP512 -> "SHA512";
            default -> "SHA256";
        };
        String expected = switch (scheme) {
            case RSA_PSS -> digest + "withRSAandMGF1";
            case ECDSA -> digest + "withECDSA";
            default -> digest + "withRSA";
        };
        assertEquals(expected, signers.get(0).algorithm());
        if (attached) {
            assertArrayEquals(CONTENT, content.toByteArray());
        }
    }

    @Test
    void theSignedAttributesAreThoseTheFormatPromises() throws Exception {
        SoftKey key = RecipientSetTest.key(TestUser.ALICE_RSA2048);
        CMSSignedData sd = new CMSSignedData(sign(key, SignatureScheme.RSA_PKCS1, true, false));
        SignerInformation si = sd.getSignerInfos().getSigners().iterator().next();
        assertNotNull(si.getSignedAttributes().get(PKCSObjectIdentifiers.pkcs_9_at_contentType));
        assertNotNull(si.getSignedAttributes().get(PKCSObjectIdentifiers.pkcs_9_at_messageDigest));
        assertNotNull(si.getSignedAttributes().get(PKCSObjectIdentifiers.pkcs_9_at_signingTime));
        assertNotNull(si.getSignedAttributes().get(PKCSObjectIdentifiers.id_aa_signingCertificateV2));
        assertEquals(3, sd.getCertificates().getMatches(null).size());
    }

    @Test
    void alteredContentFailsVerification() {
        SoftKey key = RecipientSetTest.key(TestUser.BOB_P256);
        assertRefusedOverAlteredContent(sign(key, SignatureScheme.ECDSA, false, false), 100_000);
    }

    /** A detached signature over {@link #CONTENT}, checked against it with the byte at {@code index} flipped. */
    private static void assertRefusedOverAlteredContent(byte[] sig, int index) {
        byte[] altered = CONTENT.clone();
        altered[index] ^= 1;
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> CmsVerifier.trusting(ROOT).verify(new ByteArrayInputStream(sig), new ByteArrayInputStream(altered), null));
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
    }

    /**
     * Signed attributes written (and signed) out of DER order, as some signers did: openssl checks
     * them as written, and so does hsmkit; a re-encoding verifier sees a wrong signature.
     */
    @Test
    void signedAttributesOutOfDerOrderVerifyAsTheSignerWroteThem(@TempDir Path dir) throws Exception {
        TestPki.Credential alice = TestPki.standard().user(TestUser.ALICE_RSA2048);
        byte[] sig = SignedAttributesOutOfOrder.resign(sign(RecipientSetTest.key(TestUser.ALICE_RSA2048), SignatureScheme.RSA_PKCS1,
                false, false), alice.privateKey());
        SignerInformation signer = new CMSSignedData(new CMSProcessableByteArray(CONTENT), sig).getSignerInfos().getSigners().iterator().next();
        assertFalse(signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(alice.certificate())),
                "the vector is one a verifier that re-encodes the attributes refuses");

        Files.write(dir.resolve("out-of-order.p7s"), sig);
        Files.write(dir.resolve("content"), CONTENT);
        Files.write(dir.resolve("root.pem"), TestPki.pem(List.of(TestPki.standard().root().certificate())).getBytes(StandardCharsets.US_ASCII));
        ExternalTool.require("openssl", "openssl");
        ExternalTool.run(dir, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "out-of-order.p7s",
                "-content", "content", "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null").requireSuccess();

        List<CmsVerifier.Signer> signers = CmsVerifier.trusting(ROOT).verify(new ByteArrayInputStream(sig), new ByteArrayInputStream(CONTENT), null);
        assertEquals(alice.certificate(), signers.get(0).certificate());
        assertRefusedOverAlteredContent(sig, 7);
    }

    /** Signature 1 of the 2011 PDF of the corpus, its byte ranges as the content: a real signer that wrote its attributes so. */
    @Test
    void aRealSignatureWithItsAttributesOutOfDerOrderIsIntact() throws Exception {
        byte[] pdf;
        try (java.io.InputStream in = CmsSignatureTest.class.getResourceAsStream("/pdf-corpus/dss-pades-5-signatures-and-1-document-timestamp.pdf")) {
            pdf = in.readAllBytes();
        }
        // its /ByteRange [0 91747 124517 723]; /Contents is the hex between, padded with zeros
        byte[] content = new byte[91747 + 723];
        System.arraycopy(pdf, 0, content, 0, 91747);
        System.arraycopy(pdf, 124517, content, 91747, 723);
        byte[] padded = org.bouncycastle.util.encoders.Hex.decode(new String(pdf, 91748, 124517 - 91748 - 1, StandardCharsets.US_ASCII));
        byte[] sig;
        try (org.bouncycastle.asn1.ASN1InputStream in = new org.bouncycastle.asn1.ASN1InputStream(padded)) {
            sig = in.readObject().getEncoded(org.bouncycastle.asn1.ASN1Encoding.DL); // without the padding
        }
        HsmkitException untrusted = assertThrows(HsmkitException.class,
                () -> CmsVerifier.trusting(List.of()).verify(new ByteArrayInputStream(sig), new ByteArrayInputStream(content), null));
        assertTrue(untrusted.getMessage().contains("is intact but the signer is untrusted"), untrusted.getMessage());
        content[5000] ^= 1;
        HsmkitException altered = assertThrows(HsmkitException.class,
                () -> CmsVerifier.trusting(List.of()).verify(new ByteArrayInputStream(sig), new ByteArrayInputStream(content), null));
        assertTrue(altered.getMessage().contains("does not verify"), altered.getMessage());
    }

    @Test
    void aSignerOutsideTheTrustAnchorsIsUntrusted() {
        SoftKey key = RecipientSetTest.key(TestUser.ALICE_RSA2048);
        byte[] sig = sign(key, SignatureScheme.RSA_PKCS1, true, false);
        HsmkitException none = assertThrows(HsmkitException.class,
                () -> CmsVerifier.trusting(List.of()).verify(new ByteArrayInputStream(sig), null, null));
        assertEquals(ErrorKind.VERIFICATION_FAILED, none.kind());
        assertTrue(none.getMessage().contains("untrusted"), none.getMessage());
        TestPki other = TestPki.create(null);
        HsmkitException wrong = assertThrows(HsmkitException.class,
                () -> CmsVerifier.trusting(List.of(other.root().certificate())).verify(new ByteArrayInputStream(sig), null, null));
        assertEquals(ErrorKind.VERIFICATION_FAILED, wrong.kind());
        // the JDK's path builder would accept this with an empty path; an anchor must be a CA above the signer
        HsmkitException itself = assertThrows(HsmkitException.class,
                () -> CmsVerifier.trusting(List.of(key.certificate().orElseThrow())).verify(new ByteArrayInputStream(sig), null, null));
        assertEquals(ErrorKind.VERIFICATION_FAILED, itself.kind());
        assertTrue(itself.getMessage().contains("untrusted"), itself.getMessage());
    }

    /** A self-signed signer named as the anchor: its own certificate is the whole path. */
    static List<Arguments> selfSignedValidity() {
        Instant now = Instant.now();
        return List.of(
                Arguments.of(now.minus(1, ChronoUnit.DAYS), now.plus(1, ChronoUnit.DAYS), true),
                Arguments.of(now.minus(3, ChronoUnit.DAYS), now.minus(2, ChronoUnit.DAYS), false),
                Arguments.of(now.plus(2, ChronoUnit.DAYS), now.plus(3, ChronoUnit.DAYS), false));
    }

    @ParameterizedTest(name = "valid {0} to {1}: trusted={2}")
    @MethodSource("selfSignedValidity")
    void aSelfSignedSignerNamedAsTheAnchorIsTrustedWhileValid(Instant from, Instant to, boolean trusted) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        X500Name name = new X500Name("CN=self-signed signer");
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(from), Date.from(to), name, keys.getPublic())
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        byte[] sig = sign(SoftKey.of(keys.getPrivate(), List.of(cert), "self"), SignatureScheme.RSA_PKCS1, true, false);
        if (trusted) {
            List<CmsVerifier.Signer> signers = CmsVerifier.trusting(List.of(cert)).verify(new ByteArrayInputStream(sig), null, null);
            assertEquals(List.of(cert, cert), signers.get(0).path(), "the signer, then the same certificate as the anchor");
        } else {
            HsmkitException e = assertThrows(HsmkitException.class,
                    () -> CmsVerifier.trusting(List.of(cert)).verify(new ByteArrayInputStream(sig), null, null));
            assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
        }
    }

    /** A CA whose critical certificate policies carry a CPS pointer ({@link CriticalPolicyChain}): the path holds. */
    @Test
    void aCriticalPolicyWithAQualifierDoesNotBreakThePath() throws Exception {
        CriticalPolicyChain c = CriticalPolicyChain.create();
        byte[] sig = sign(SoftKey.of(c.signerKey(), c.chain(), "policy"), SignatureScheme.RSA_PKCS1, true, false);
        List<CmsVerifier.Signer> signers = CmsVerifier.trusting(List.of(c.root())).verify(new ByteArrayInputStream(sig), null, null);
        assertEquals(List.of(c.signer(), c.ca(), c.root()), signers.get(0).path());
    }

    /**
     * A corpus signature whose signer certificate declares one unused bit in its signature (found
     * by fuzzing): the JDK still verifies that certificate, as a second encoding of the same one;
     * openssl refuses it ("invalid bit string bits left"), and so does hsmkit.
     */
    @Test
    void aCertificateSignatureWithUnusedBitsIsRefused() throws Exception {
        String inputs = "/org/hsmkit/fuzz/CmsVerifyFuzzTestInputs/verify/";
        X509Certificate root;
        try (java.io.InputStream in = CmsSignatureTest.class.getResourceAsStream("/org/hsmkit/fuzz/pki/root.pem")) {
            root = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        CmsVerifier verifier = CmsVerifier.trusting(List.of(root));
        try (java.io.InputStream seed = CmsSignatureTest.class.getResourceAsStream(inputs + "seed-openssl-ec-attached-ber.p7m")) {
            assertEquals(1, verifier.verify(seed, null, null).size(), "the signature it was made from verifies");
        }
        HsmkitException e = assertThrows(HsmkitException.class, () -> {
            try (java.io.InputStream in = CmsSignatureTest.class.getResourceAsStream(inputs
                    + "regression-certificate-signature-with-an-unused-bit.p7m")) {
                verifier.verify(in, null, null);
            }
        });
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
        assertTrue(e.getMessage().contains("is malformed: its signature declares 1 unused bit(s)"), e.getMessage());
    }

    @Test
    void anIntermediateCaIsEnoughAsTheAnchor() {
        SoftKey key = RecipientSetTest.key(TestUser.ALICE_RSA2048);
        byte[] sig = sign(key, SignatureScheme.RSA_PKCS1, true, false);
        List<CmsVerifier.Signer> signers = CmsVerifier.trusting(List.of(TestPki.standard().intermediate().certificate()))
                .verify(new ByteArrayInputStream(sig), null, null);
        assertEquals(2, signers.get(0).path().size(), "the signer, then the intermediate CA");
    }

    @Test
    void inspectDescribesSignaturesAndEnvelopes() {
        SoftKey key = RecipientSetTest.key(TestUser.CAROL_P384);
        CmsStructure s = CmsInspector.inspect(new ByteArrayInputStream(sign(key, SignatureScheme.ECDSA, false, true)));
        assertEquals("SignedData", s.contentType());
        assertTrue(s.detached());
        assertTrue(s.pem());
        assertTrue(s.signers().get(0).subject().contains("Carol"), s.lines().toString());
        ByteArrayOutputStream enc = new ByteArrayOutputStream();
        CmsEncryptor.to(RecipientSet.builder().add(key).add(RecipientSetTest.key(TestUser.ALICE_RSA2048)).build()).build()
                .encrypt(new ByteArrayInputStream(CONTENT), enc);
        CmsStructure e = CmsInspector.inspect(new ByteArrayInputStream(enc.toByteArray()));
        assertEquals("AuthEnvelopedData", e.contentType());
        assertEquals("aes256-gcm", e.contentAlgorithm());
        assertEquals(16, e.tagBytes());
        assertEquals(CONTENT.length, e.contentBytes());
        assertEquals(2, e.recipients().size());
        assertTrue(e.lines().toString().contains("EC 384-bit, ECDH X9.63 KDF SHA-384, AES-256 key wrap"), e.lines().toString());
        assertTrue(e.lines().toString().contains("RSA, RSA OAEP SHA-256/MGF1-SHA-256"), e.lines().toString());
    }
}
