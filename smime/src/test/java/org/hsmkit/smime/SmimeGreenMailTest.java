package org.hsmkit.smime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.cms.ContentCipher;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;

/**
 * Signed, encrypted and signed+encrypted messages sent over SMTP to an in-process server and
 * fetched back over IMAP, with keys on SoftHSM2 (through the real PKCS#11 binding) and on the
 * software key store.
 */
class SmimeGreenMailTest {
    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP))
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("bob@hsmkit.test", "bob@hsmkit.test", "bob-password"))
            .withPerMethodLifecycle(false);

    static SoftHsmToken hsm;
    static Token hsmToken;
    static TokenKey hsmAlice;
    static TokenKey hsmBob;

    @BeforeAll
    static void token() {
        hsm = SoftHsmToken.create("smime-mail");
        hsmToken = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
        TestPki.Credential alice = TestPki.standard().user(TestUser.ALICE_RSA2048);
        TestPki.Credential bob = TestPki.standard().user(TestUser.BOB_P256);
        hsmAlice = hsmToken.importKey(alice.privateKey(), alice.chain(), "alice", new byte[] {0x11});
        hsmBob = hsmToken.importKey(bob.privateKey(), bob.chain(), "bob", new byte[] {0x12});
    }

    @AfterAll
    static void close() {
        hsmToken.close();
        hsm.close();
    }

    private static TokenKey alice(String where) {
        return where.equals("softhsm") ? hsmAlice : TestMails.key(TestUser.ALICE_RSA2048);
    }

    private static TokenKey bob(String where) {
        return where.equals("softhsm") ? hsmBob : TestMails.key(TestUser.BOB_P256);
    }

    /** Sends over SMTP, then fetches the message with that subject over IMAP. */
    private static MimeMessage sendAndFetch(MimeMessage message, String subject) throws Exception {
        message.setSubject(subject);
        MimeMessage outgoing = TestMails.parse(TestMails.bytes(message));
        Session smtp = mail.getSmtp().createSession();
        try (Transport t = smtp.getTransport("smtp")) {
            t.connect();
            outgoing.saveChanges(); // what Transport.send does; must not disturb the signed bytes
            t.sendMessage(outgoing, outgoing.getAllRecipients());
        }
        Store store = mail.getImap().createStore();
        store.connect("bob@hsmkit.test", "bob-password");
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                for (Message m : inbox.getMessages()) {
                    if (subject.equals(m.getSubject())) {
                        return TestMails.parse(TestMails.bytes((MimeMessage) m));
                    }
                }
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
        throw new AssertionError("no message '" + subject + "' arrived");
    }

    private static MimeMessage letter() {
        return TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "Dear Bob,\n\nthe figures are fine.\n\nAlice\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"softhsm", "soft"})
    void signedMessageArrivesVerified(String where) throws Exception {
        MimeMessage signed = SmimeSigner.builder(alice(where)).build().sign(letter());
        MimeMessage received = sendAndFetch(signed, "signed via " + where);
        SmimeReport report = SmimeReader.builder().trustAnchors(TestMails.anchors()).build().read(received);
        assertTrue(report.verified(), () -> report.problems().toString());
        assertEquals("Dear Bob,\r\n\r\nthe figures are fine.\r\n\r\nAlice\r\n", report.content().getContent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"softhsm", "soft"})
    void encryptedMessageArrivesReadable(String where) throws Exception {
        MimeMessage encrypted = SmimeEncryptor.builder().recipient(TestMails.cert(TestUser.BOB_P256)).sender(alice(where)).build()
                .encrypt(letter());
        MimeMessage received = sendAndFetch(encrypted, "encrypted via " + where);
        SmimeReport report = SmimeReader.builder().decryptWith(bob(where)).build().read(received);
        assertEquals(List.of(SmimeLayer.Kind.AUTH_ENVELOPED), report.layers().stream().map(SmimeLayer::kind).toList());
        assertTrue(((String) report.content().getContent()).contains("the figures are fine."));
        // the sender's Sent copy: Alice's key on the same token opens it
        assertTrue(SmimeReader.builder().decryptWith(alice(where)).build().read(received).isEncrypted());
    }

    @ParameterizedTest
    @ValueSource(strings = {"softhsm", "soft"})
    void signedAndEncryptedMessageArrivesVerified(String where) throws Exception {
        MimeMessage out = Smime.signAndEncrypt(letter(), SmimeSigner.builder(alice(where)).build(),
                SmimeEncryptor.builder().recipient(TestMails.cert(TestUser.BOB_P256)).cipher(ContentCipher.AES256_CBC).compress(true).build());
        MimeMessage received = sendAndFetch(out, "signed and encrypted via " + where);
        SmimeReport report = SmimeReader.builder().trustAnchors(TestMails.anchors()).decryptWith(bob(where)).build().read(received);
        assertTrue(report.verified(), () -> report.problems().toString());
        assertEquals(List.of(SmimeLayer.Kind.ENVELOPED, SmimeLayer.Kind.COMPRESSED, SmimeLayer.Kind.SIGNED_DETACHED),
                report.layers().stream().map(SmimeLayer::kind).toList());
    }
}
