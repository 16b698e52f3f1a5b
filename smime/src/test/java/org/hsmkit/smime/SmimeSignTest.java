package org.hsmkit.smime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;

import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.smime.SMIMEAttributes;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.mail.smime.SMIMESigned;
import jakarta.mail.internet.MimeMultipart;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Signing with token keys, read back by {@link SmimeReader}. */
class SmimeSignTest {

    private static SmimeReader reader() {
        return SmimeReader.builder().trustAnchors(TestMails.anchors()).build();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource({
        "ALICE_RSA2048, RSA_PKCS1, SHA256, DETACHED, sha-256, SHA256withRSA",
        "ALICE_RSA2048, RSA_PSS,   SHA256, DETACHED, sha-256, SHA256withRSAandMGF1",
        "ANDY_RSA3072,  RSA_PKCS1, SHA384, OPAQUE,   ,        SHA384withRSA",
        "BOB_P256,      ECDSA,     SHA256, DETACHED, sha-256, SHA256withECDSA",
        "CAROL_P384,    ECDSA,     SHA384, DETACHED, sha-384, SHA384withECDSA",
        "DAVE_P521,     ECDSA,     SHA512, OPAQUE,   ,        SHA512withECDSA",
        "ERIN_BP256,    ECDSA,     SHA256, DETACHED, sha-256, SHA256withECDSA",
    })
    void everySchemeAndFormatVerifies(TestUser user, SignatureScheme scheme, DigestAlgorithm digest, SignedFormat format,
            String micalg, String algorithm) throws Exception {
        SmimeSigner signer = SmimeSigner.builder(TestMails.key(user)).scheme(scheme).digest(digest).format(format).build();
        MimeMessage signed = signer.sign(TestMails.text(user, TestUser.BOB_P256, "Hello, the figures are attached.\n"));

        MimeMessage received = TestMails.parse(TestMails.bytes(signed));
        ContentType ct = new ContentType(received.getContentType());
        if (format == SignedFormat.DETACHED) {
            assertEquals("multipart/signed", ct.getBaseType());
            assertEquals(micalg, ct.getParameter("micalg"));
            assertEquals("application/pkcs7-signature", ct.getParameter("protocol"));
        } else {
            assertEquals("application/pkcs7-mime", ct.getBaseType());
            assertEquals("signed-data", ct.getParameter("smime-type"));
        }
        assertEquals("Quarterly figures", received.getSubject());

        SmimeReport report = reader().read(received);
        assertTrue(report.verified(), () -> report.problems().toString());
        SignatureReport s = report.signatures().get(0);
        assertEquals(algorithm, s.algorithm());
        assertTrue(s.signatureValid() && s.pathValid() && s.usageValid() && s.fromMatches());
        assertEquals(List.of(user.email()), s.signerEmails());
        assertTrue(s.signingTime().orElseThrow().isAfter(Instant.now().minus(5, ChronoUnit.MINUTES)));
        assertFalse(s.revocationChecked());
        assertTrue(s.notes().stream().anyMatch(n -> n.contains("revocation not checked")));
        assertEquals("Hello, the figures are attached.\r\n", report.content().getContent());
        assertEquals(format == SignedFormat.DETACHED ? SmimeLayer.Kind.SIGNED_DETACHED : SmimeLayer.Kind.SIGNED_OPAQUE,
                report.layers().get(0).kind());
    }

    /** A signer that wrote its signed attributes out of DER order (as openssl and gpgsm accept): valid, with a note. */
    @Test
    void signedAttributesOutOfDerOrderVerifyWithANote() throws Exception {
        SmimeSigner signer = SmimeSigner.builder(TestMails.key(TestUser.ALICE_RSA2048)).format(SignedFormat.OPAQUE).build();
        MimeMessage signed = TestMails.parse(TestMails.bytes(signer.sign(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256,
                "attributes as written\n"))));
        byte[] der = signed.getInputStream().readAllBytes();
        byte[] resigned = org.hsmkit.testdata.SignedAttributesOutOfOrder.resign(der,
                TestMails.pki().user(TestUser.ALICE_RSA2048).privateKey());
        MimeMessage changed = new MimeMessage(signed);
        changed.setDataHandler(new jakarta.activation.DataHandler(
                new jakarta.mail.util.ByteArrayDataSource(resigned, signed.getContentType())));
        changed.setHeader("Content-Transfer-Encoding", "base64");
        changed.saveChanges();

        SmimeReport report = reader().read(TestMails.parse(TestMails.bytes(changed)));
        assertTrue(report.verified(), () -> report.problems().toString());
        assertTrue(report.signatures().get(0).notes().stream().anyMatch(n -> n.contains("not DER-encoded")),
                report.signatures().get(0).notes().toString());
        assertEquals("attributes as written\r\n", report.content().getContent());
    }

    @Test
    void signsOnceHoweverOftenTheMessageIsWritten() {
        TestMails.CountingKey key = new TestMails.CountingKey(TestMails.key(TestUser.ALICE_RSA2048));
        MimeMessage signed = SmimeSigner.builder(key).build().sign(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "once"));
        byte[] first = TestMails.bytes(signed);
        byte[] second = TestMails.bytes(signed);
        assertEquals(1, key.signatures.get());
        assertArrayEquals(first, second);
    }

    @Test
    void saveChangesDoesNotAlterTheSignedBody() throws Exception {
        MimeMessage signed = SmimeSigner.builder(TestMails.key(TestUser.ALICE_RSA2048)).build()
                .sign(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "caf\u00e9 \u20ac 8bit text that needs encoding\n"));
        String before = TestMails.text(signed);
        signed.saveChanges();
        String after = TestMails.text(signed);
        assertEquals(before.substring(before.indexOf("Content-Type")), after.substring(after.indexOf("Content-Type")));
        assertTrue(reader().read(TestMails.parse(after)).verified());
    }

    @Test
    void signatureCarriesCapabilitiesAndEncryptionKeyPreference() throws Exception {
        MimeMessage signed = SmimeSigner.builder(TestMails.key(TestUser.ALICE_RSA2048)).build()
                .sign(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "attrs"));
        MimeMessage received = TestMails.parse(TestMails.bytes(signed));
        SMIMESigned s = new SMIMESigned(new MimeMultipart(received.getDataHandler().getDataSource()));
        SignerInformation si = s.getSignerInfos().getSigners().iterator().next();
        AttributeTable attrs = si.getSignedAttributes();
        assertNotNull(attrs.get(SMIMEAttributes.smimeCapabilities));
        assertNotNull(attrs.get(SMIMEAttributes.encrypKeyPref));
        assertEquals(3, s.getCertificates().getMatches(null).size(), "certificate, intermediate and root");
    }

    @Test
    void multipartBodyWithAttachmentVerifies() throws Exception {
        String eml = "From: Alice <alice@hsmkit.test>\nTo: bob@hsmkit.test\nSubject: with file\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\nSee attached.\n"
                + "--b1\nContent-Type: application/octet-stream; name=data.bin\nContent-Transfer-Encoding: base64\n\nAAECAwQFBgc=\n--b1--\n";
        MimeMessage m = new MimeMessage(TestMails.SESSION, new ByteArrayInputStream(eml.getBytes()));
        MimeMessage signed = SmimeSigner.builder(TestMails.key(TestUser.ALICE_RSA2048)).build().sign(m);
        SmimeReport report = reader().read(TestMails.parse(TestMails.bytes(signed)));
        assertTrue(report.verified(), () -> report.problems().toString());
        assertTrue(report.unsignedParts().isEmpty());
    }

    @Test
    void eachSignedMessageHasItsOwnBoundaryAndTheSignatureCoversTheFirstPartAsSent() throws Exception {
        SmimeSigner signer = SmimeSigner.builder(TestMails.key(TestUser.ALICE_RSA2048)).build();
        MimeMessage message = TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "same text\nline two\n");
        ContentType first = new ContentType(TestMails.parse(TestMails.bytes(signer.sign(message))).getContentType());
        MimeMessage received = TestMails.parse(TestMails.bytes(signer.sign(message)));
        ContentType second = new ContentType(received.getContentType());
        assertFalse(first.getParameter("boundary").equals(second.getParameter("boundary")));

        // Bouncy Castle's reader hashes the first body part exactly as it arrived
        SMIMESigned s = new SMIMESigned(new MimeMultipart(received.getDataHandler().getDataSource()));
        SignerInformation si = s.getSignerInfos().getSigners().iterator().next();
        X509Certificate cert = TestMails.key(TestUser.ALICE_RSA2048).certificate().orElseThrow();
        assertTrue(si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(cert)));
        assertEquals("same text\r\nline two\r\n", s.getContent().getContent());
    }
}
