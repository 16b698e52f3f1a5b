package org.hsmkit.smime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import jakarta.mail.internet.MimeMessage;

import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.DocsExample;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java examples of docs/smime.md, compiled and run here on a real token (the software token). */
class SmimeDocsExamplesTest {
    private static final Path SOURCE = Path.of("src/test/java/org/hsmkit/smime/SmimeDocsExamplesTest.java");
    private static final Path DOC = Path.of("../docs/smime.md");

    @TempDir
    Path dir;

    @Test
    void theDocsShowTheExamplesAsTheyAreHere() {
        assertNull(DocsExample.quoted(DOC, SOURCE, "smime-send"));
        assertNull(DocsExample.quoted(DOC, SOURCE, "smime-read"));
    }

    @Test
    void sendAndReadRunAsShown() throws Exception {
        TestPki.Credential alice = TestPki.standard().user(TestUser.ALICE_RSA2048);
        X509Certificate bobsCertificate = TestMails.cert(TestUser.BOB_P256);
        X509Certificate rootCa = TestPki.standard().root().certificate();
        MimeMessage message = TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "figures attached\n");
        ByteArrayOutputStream outbox = new ByteArrayOutputStream();
        try (Token token = TokenSpec.parse("soft:" + dir.resolve("t.p12")).open(new TokenOptions(Optional.empty(),
                PinSource.of("docs-example".toCharArray()), false))) {
            token.importKey(alice.privateKey(), alice.chain(), "mail", null);
            // docs:smime-send
            TokenKey me = token.key("mail");                                      // label or PKCS#11 URI
            SmimeSigner signer = SmimeSigner.builder(me).build();                 // multipart/signed, SHA-256
            SmimeEncryptor encryptor = SmimeEncryptor.builder()
                    .recipient(bobsCertificate).build();                          // AES-256-GCM; sender added
            MimeMessage out = Smime.signAndEncrypt(message, signer, encryptor);  // one token signature
            out.writeTo(outbox);                                                  // or Transport.send(out): never re-signs
            // docs:end
            MimeMessage received = TestMails.parse(outbox.toByteArray());
            // docs:smime-read
            SmimeReport report = SmimeReader.builder()
                    .trustAnchors(List.of(rootCa))       // without anchors nothing verifies
                    .decryptWith(me)                     // or decryptWith(() -> token.keys()): asked only if encrypted
                    .build()
                    .read(received);
            if (report.verified()) {                     // signed, every signature valid, nothing unsigned beside it
                Object text = report.content().getContent();
            } else {
                report.problems().forEach(System.err::println);
            }
            // docs:end
            assertTrue(report.verified(), () -> report.problems().toString());
            assertEquals("figures attached\r\n", report.content().getContent());
        }
    }
}
