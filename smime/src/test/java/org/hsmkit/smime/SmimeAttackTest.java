package org.hsmkit.smime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

import jakarta.mail.internet.MimeMessage;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cms.CMSCompressedDataStreamGenerator;
import org.bouncycastle.cms.jcajce.ZlibCompressor;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;

/** Forged, altered and hostile messages: each gets the right verdict or a clear error. */
class SmimeAttackTest {

    private static SmimeReader reader() {
        return SmimeReader.builder().trustAnchors(TestMails.anchors()).build();
    }

    private static String signedByAlice(String body) {
        return TestMails.text(SmimeSigner.builder(TestMails.key(TestUser.ALICE_RSA2048)).build()
                .sign(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, body)));
    }

    @Test
    void fromHeaderNotMatchingTheSignerFails() {
        String forged = signedByAlice("Pay the invoice.\n").replaceFirst("(?m)^From: .*$", "From: The Boss <boss@hsmkit.test>");
        SmimeReport report = reader().read(TestMails.parse(forged));
        SignatureReport s = report.signatures().get(0);
        assertTrue(s.signatureValid() && s.pathValid());
        assertFalse(s.fromMatches());
        assertFalse(report.verified());
        assertTrue(report.problems().get(0).contains("does not match the signer's address"), report.problems().toString());
    }

    @Test
    void unsignedPartBesideTheSignedPartIsReported() {
        String signed = signedByAlice("Quarterly figures look fine.\n");
        int split = signed.indexOf("Content-Type: multipart/signed");
        String headers = signed.substring(0, split).replace("MIME-Version: 1.0\r\n", "");
        String signedBody = signed.substring(split);
        String mail = headers + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
                + "--outer\r\n" + signedBody + "\r\n--outer\r\nContent-Type: text/plain\r\n\r\nJohnny, you are fired.\r\n--outer--\r\n";
        SmimeReport report = reader().read(TestMails.parse(mail));
        assertTrue(report.signatures().get(0).valid(), "the signed part itself is genuine");
        assertEquals(List.of(new UnsignedPart("1.2", "text/plain")), report.unsignedParts());
        assertFalse(report.verified());
        assertTrue(report.problems().get(0).contains("part 1.2"), report.problems().toString());
    }

    @Test
    void tamperedSignedBodyFails() {
        String tampered = signedByAlice("Transfer 100 EUR to account 1234.\n").replace("100 EUR", "900 EUR");
        SmimeReport report = reader().read(TestMails.parse(tampered));
        assertFalse(report.signatures().get(0).signatureValid());
        assertFalse(report.verified());
        assertTrue(report.problems().get(0).contains("tampered"), report.problems().toString());
    }

    @Test
    void tamperedOpaqueSignatureIsUnreadableOrInvalid() {
        String signed = TestMails.text(SmimeSigner.builder(TestMails.key(TestUser.BOB_P256)).format(SignedFormat.OPAQUE).build()
                .sign(TestMails.text(TestUser.BOB_P256, TestUser.ALICE_RSA2048, "opaque\n")));
        int body = signed.indexOf("\r\n\r\n") + 4;
        byte[] der = Base64.getMimeDecoder().decode(signed.substring(body));
        // flip a byte of the encapsulated content ("opaque" sits in clear inside the DER)
        String derText = new String(der, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = derText.indexOf("opaque");
        der[at] ^= 1;
        String mail = signed.substring(0, body) + Base64.getMimeEncoder().encodeToString(der) + "\r\n";
        SmimeReport report = reader().read(TestMails.parse(mail));
        assertFalse(report.signatures().get(0).signatureValid());
        assertFalse(report.verified());
    }

    @Test
    void untrustedSignerFailsPathValidation() throws Exception {
        String signed = signedByAlice("hello\n");
        SmimeReport noAnchors = SmimeReader.builder().build().read(TestMails.parse(signed));
        assertFalse(noAnchors.verified());
        assertTrue(noAnchors.problems().get(0).contains("no trust anchors"));

        // an anchor that is not in Alice's chain (Bob's certificate stands in for a foreign root)
        SmimeReport otherRoot = SmimeReader.builder().trustAnchors(List.of(TestMails.cert(TestUser.BOB_P256))).build()
                .read(TestMails.parse(signed));
        assertFalse(otherRoot.signatures().get(0).pathValid());
        assertTrue(otherRoot.signatures().get(0).signatureValid());
    }

    @Test
    void certificateWithoutEmailProtectionFailsUsage() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair kp = g.generateKeyPair();
        TestPki.Credential c = TestMails.pki().issueUser("Tls Only", kp, "alice@hsmkit.test", KeyUsage.digitalSignature,
                new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, Instant.now().minus(1, ChronoUnit.DAYS), Instant.now().plus(1, ChronoUnit.DAYS));
        MimeMessage signed = SmimeSigner.builder(SoftKey.of(c.privateKey(), c.chain(), "tls")).build()
                .sign(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "hi"));
        SignatureReport s = reader().read(TestMails.parse(TestMails.bytes(signed))).signatures().get(0);
        assertTrue(s.signatureValid() && s.pathValid() && s.fromMatches());
        assertFalse(s.usageValid());
        assertTrue(s.problems().get(0).contains("emailProtection"));
    }

    @Test
    void wrongRecipientIsAKeyError() {
        MimeMessage enc = SmimeEncryptor.builder().recipient(TestMails.cert(TestUser.BOB_P256)).build()
                .encrypt(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "for bob"));
        HsmkitException e = assertThrows(HsmkitException.class, () -> SmimeReader.builder()
                .decryptWith(TestMails.key(TestUser.CAROL_P384)).build().read(TestMails.parse(TestMails.bytes(enc))));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().contains("Bob") || e.getMessage().contains("recipients"), e.getMessage());
    }

    @Test
    void truncatedCmsIsAnInputError() {
        String enc = TestMails.text(SmimeEncryptor.builder().recipient(TestMails.cert(TestUser.ALICE_RSA2048)).build()
                .encrypt(TestMails.text(TestUser.ALICE_RSA2048, TestUser.ALICE_RSA2048, "x".repeat(5000))));
        String truncated = enc.substring(0, enc.length() / 2) + "\r\n";
        HsmkitException e = assertThrows(HsmkitException.class, () -> SmimeReader.builder()
                .decryptWith(TestMails.key(TestUser.ALICE_RSA2048)).build().read(TestMails.parse(truncated)));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void alteredGcmCiphertextIsRejected() {
        String enc = TestMails.text(SmimeEncryptor.builder().recipient(TestMails.cert(TestUser.ALICE_RSA2048)).build()
                .encrypt(TestMails.text(TestUser.ALICE_RSA2048, TestUser.ALICE_RSA2048, "y".repeat(3000))));
        int body = enc.indexOf("\r\n\r\n") + 4;
        byte[] der = Base64.getMimeDecoder().decode(enc.substring(body));
        der[der.length - 100] ^= 1; // inside the encrypted content, before the tag
        String mail = enc.substring(0, body) + Base64.getMimeEncoder().encodeToString(der) + "\r\n";
        HsmkitException e = assertThrows(HsmkitException.class, () -> SmimeReader.builder()
                .decryptWith(TestMails.key(TestUser.ALICE_RSA2048)).build().read(TestMails.parse(mail)));
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind(), e.getMessage());
    }

    @Test
    void malformedMultipartSignedIsAnInputError() {
        String mail = "From: alice@hsmkit.test\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nonly one part\r\n--b--\r\n";
        HsmkitException e = assertThrows(HsmkitException.class, () -> reader().read(TestMails.parse(mail)));
        assertEquals(ErrorKind.INPUT, e.kind());

        String garbage = "From: alice@hsmkit.test\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: application/pkcs7-mime; smime-type=signed-data\r\nContent-Transfer-Encoding: base64\r\n\r\nbm90IGNtcw==\r\n";
        HsmkitException g = assertThrows(HsmkitException.class, () -> reader().read(TestMails.parse(garbage)));
        assertEquals(ErrorKind.INPUT, g.kind());
    }

    /**
     * Jakarta Mail fails with an IndexOutOfBoundsException when a header block starts with a
     * blank line of spaces and then a continuation line; found by fuzzing. In the message's own headers, in a part, and in an
     * attached message, it is an input error.
     */
    @Test
    void aHeaderBlockThatStartsWithAContinuationLineIsAnInputError() {
        String own = " \r\n\tfolded into nothing\r\nFrom: alice@hsmkit.test\r\n\r\nbody\r\n";
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> Smime.read(new java.io.ByteArrayInputStream(own.getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals(ErrorKind.INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith("malformed MIME message"), e.getMessage());

        String inPart = "From: alice@hsmkit.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                + "--b\r\n \r\n\tContent-Type: text/plain\r\n\r\npart\r\n--b--\r\n";
        HsmkitException p = assertThrows(HsmkitException.class, () -> reader().read(TestMails.parse(inPart)));
        assertEquals(ErrorKind.INPUT, p.kind(), p.getMessage());

        String attached = "From: alice@hsmkit.test\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n"
                + " \r\n\tSubject: folded\r\n\r\ninner\r\n";
        HsmkitException a = assertThrows(HsmkitException.class, () -> reader().read(TestMails.parse(attached)));
        assertEquals(ErrorKind.INPUT, a.kind(), a.getMessage());
    }

    @Test
    void forwardedSignedMessageIsCheckedAgainstItsOwnFrom() {
        String forwarded = signedByAlice("original\n");
        String mail = "From: Bob <bob@hsmkit.test>\r\nTo: carol@hsmkit.test\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"fw\"\r\n\r\n--fw\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
                + "--fw\r\nContent-Type: message/rfc822\r\n\r\n" + forwarded + "\r\n--fw--\r\n";
        SmimeReport report = reader().read(TestMails.parse(mail));
        assertTrue(report.signatures().get(0).valid(), () -> report.signatures().get(0).problems().toString());
        assertEquals("1.2.1", report.layers().get(0).path());
        assertEquals(List.of(new UnsignedPart("1.1", "text/plain")), report.unsignedParts());
        assertFalse(report.verified(), "Bob's own text is not signed");
    }

    @Test
    void pgpSignedPartIsNotMistakenForSmime() {
        String mail = "From: alice@hsmkit.test\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; micalg=pgp-sha256; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: application/pgp-signature\r\n\r\n"
                + "-----BEGIN PGP SIGNATURE-----\r\n-----END PGP SIGNATURE-----\r\n--b--\r\n";
        SmimeReport report = reader().read(TestMails.parse(mail));
        assertFalse(report.isSigned());
        assertEquals(2, report.unsignedParts().size());
        assertEquals(List.of("the message is not signed"), report.problems());
    }

    @Test
    void compressionBombIsRejected() throws Exception {
        ByteArrayOutputStream der = new ByteArrayOutputStream();
        try (OutputStream out = new CMSCompressedDataStreamGenerator().open(der, new ZlibCompressor())) {
            out.write("Content-Type: text/plain\r\n\r\n".getBytes());
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 50; i++) {
                out.write(zeros); // 50 MiB of zeros, about 50 KB compressed
            }
        }
        String mail = "From: alice@hsmkit.test\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(der.toByteArray()) + "\r\n";
        HsmkitException e = assertThrows(HsmkitException.class, () -> reader().read(TestMails.parse(mail)));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("compression bomb"), e.getMessage());

        MimeMessage ordinary = Smime.compress(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "z".repeat(5000)));
        HsmkitException size = assertThrows(HsmkitException.class, () -> SmimeReader.builder()
                .limits(new DecompressionLimits(4096, 1000)).build().read(TestMails.parse(TestMails.bytes(ordinary))));
        assertTrue(size.getMessage().contains("beyond 4096 bytes"), size.getMessage());
        SmimeReport fine = reader().read(TestMails.parse(TestMails.bytes(ordinary)));
        assertEquals(List.of(SmimeLayer.Kind.COMPRESSED), fine.layers().stream().map(SmimeLayer::kind).toList());
    }
}
