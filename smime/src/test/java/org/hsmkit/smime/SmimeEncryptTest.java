package org.hsmkit.smime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.cms.ContentCipher;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Encryption to every recipient type × cipher × padding, opened by {@link SmimeReader}. */
class SmimeEncryptTest {

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
        "ALICE_RSA2048,  AES256_GCM, OAEP_SHA256, AUTH_ENVELOPED",
        "ALICE_RSA2048,  AES256_GCM, PKCS1,       AUTH_ENVELOPED",
        "ALICE_RSA2048,  AES256_CBC, OAEP_SHA256, ENVELOPED",
        "ANDY_RSA3072,   AES256_CBC, PKCS1,       ENVELOPED",
        "BOB_P256,       AES256_GCM, OAEP_SHA256, AUTH_ENVELOPED",
        "CAROL_P384,     AES256_CBC, OAEP_SHA256, ENVELOPED",
        "DAVE_P521,      AES256_GCM, OAEP_SHA256, AUTH_ENVELOPED",
        "FRANK_BP384,    AES256_GCM, OAEP_SHA256, AUTH_ENVELOPED",
    })
    void everyRecipientTypeAndCipherDecrypts(TestUser recipient, ContentCipher cipher, RsaPadding padding, SmimeLayer.Kind kind)
            throws Exception {
        SmimeEncryptor encryptor = SmimeEncryptor.builder().recipient(TestMails.cert(recipient)).cipher(cipher).rsaPadding(padding).build();
        MimeMessage encrypted = encryptor.encrypt(TestMails.text(TestUser.ALICE_RSA2048, recipient, "secret figures\n"));
        MimeMessage received = TestMails.parse(TestMails.bytes(encrypted));
        ContentType ct = new ContentType(received.getContentType());
        assertEquals("application/pkcs7-mime", ct.getBaseType());
        assertEquals(cipher.isAuthenticated() ? "authEnveloped-data" : "enveloped-data", ct.getParameter("smime-type"));
        assertFalse(TestMails.text(received).contains("secret figures"));

        SmimeReport report = SmimeReader.builder().decryptWith(TestMails.key(recipient)).build().read(received);
        assertEquals(List.of(kind), report.layers().stream().map(SmimeLayer::kind).toList());
        assertEquals("secret figures\r\n", report.content().getContent());
        assertFalse(report.verified(), "encrypted is not signed");
        assertEquals(List.of("the message is not signed"), report.problems());
    }

    @Test
    void signAndEncryptInOneCallIncludesTheSender() throws Exception {
        SmimeSigner signer = SmimeSigner.builder(TestMails.key(TestUser.ALICE_RSA2048)).build();
        SmimeEncryptor encryptor = SmimeEncryptor.builder().recipient(TestMails.cert(TestUser.BOB_P256)).build();
        MimeMessage out = Smime.signAndEncrypt(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "signed and sealed\n"),
                signer, encryptor);
        byte[] wire = TestMails.bytes(out);
        for (TestUser reader : List.of(TestUser.BOB_P256, TestUser.ALICE_RSA2048)) {
            SmimeReport report = SmimeReader.builder().trustAnchors(TestMails.anchors()).decryptWith(TestMails.key(reader)).build()
                    .read(TestMails.parse(wire));
            assertTrue(report.verified(), () -> report.problems().toString());
            assertEquals(List.of(SmimeLayer.Kind.AUTH_ENVELOPED, SmimeLayer.Kind.SIGNED_DETACHED),
                    report.layers().stream().map(SmimeLayer::kind).toList());
            assertEquals("signed and sealed\r\n", report.content().getContent());
        }
    }

    @Test
    void senderCanBeLeftOut() {
        SmimeEncryptor encryptor = SmimeEncryptor.builder().recipient(TestMails.cert(TestUser.BOB_P256)).includeSender(false).build();
        SmimeSigner signer = SmimeSigner.builder(TestMails.key(TestUser.ALICE_RSA2048)).build();
        byte[] wire = TestMails.bytes(Smime.signAndEncrypt(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "x"), signer, encryptor));
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> SmimeReader.builder().decryptWith(TestMails.key(TestUser.ALICE_RSA2048)).build().read(TestMails.parse(wire)));
        assertEquals(ErrorKind.KEY, e.kind());
    }

    @Test
    void decryptOnlyKeepsTheSignatureForLater() throws Exception {
        SmimeSigner signer = SmimeSigner.builder(TestMails.key(TestUser.BOB_P256)).build();
        SmimeEncryptor encryptor = SmimeEncryptor.builder().recipient(TestMails.cert(TestUser.ALICE_RSA2048))
                .cipher(ContentCipher.AES256_CBC).compress(true).build();
        byte[] wire = TestMails.bytes(Smime.signAndEncrypt(TestMails.text(TestUser.BOB_P256, TestUser.ALICE_RSA2048, "keep my signature\n"),
                signer, encryptor));
        SmimeReport decrypted = SmimeReader.builder().decryptWith(TestMails.key(TestUser.ALICE_RSA2048)).build().decrypt(TestMails.parse(wire));
        assertEquals(List.of(SmimeLayer.Kind.ENVELOPED, SmimeLayer.Kind.COMPRESSED),
                decrypted.layers().stream().map(SmimeLayer::kind).toList());
        MimeMessage plain = TestMails.parse(TestMails.bytes(decrypted.message()));
        SmimeReport verified = SmimeReader.builder().trustAnchors(TestMails.anchors()).build().read(plain);
        assertTrue(verified.verified(), () -> verified.problems().toString());
        assertEquals("Quarterly figures", plain.getSubject());
    }

    @Test
    void signOnlyCertificateIsRefusedAsRecipientBeforeAnyOutput() {
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> SmimeEncryptor.builder().recipient(TestMails.cert(TestUser.SIGNER_ONLY_RSA)).build());
        assertEquals(ErrorKind.INPUT, e.kind());
    }
}
