package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hsmkit smime …} on .eml files with keys on the software token. */
class SmimeCliTest {
    static final String PASS = "soft-token-passphrase";

    @TempDir
    static Path dir;
    static Path pki;
    static Path aliceToken;
    static Path bobToken;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void setUp() throws IOException {
        pki = TestPki.standard().writeTo(dir.resolve("pki"));
        aliceToken = token("alice.p12", TestUser.ALICE_RSA2048);
        bobToken = token("bob.p12", TestUser.BOB_P256);
        Files.writeString(dir.resolve("mail.eml"), "From: Alice <alice@hsmkit.test>\nTo: Bob <bob@hsmkit.test>\n"
                + "Subject: figures\nMIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\nThe figures are fine.\n");
    }

    private static Path token(String name, TestUser user) {
        Path p = dir.resolve(name);
        TestPki.Credential c = TestPki.standard().user(user);
        try (Token t = TokenSpec.parse("soft:" + p).open(TokenOptions.withPins((prompt, confirm) -> PASS.toCharArray()))) {
            t.importKey(c.privateKey(), c.chain(), user.fileName(), null);
        }
        return p;
    }

    static Run hsmkit(Path token, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 4];
        all[0] = "-t";
        all[1] = "soft:" + token;
        all[2] = "--pin-env";
        all[3] = "SMIME_TEST_PASS";
        System.arraycopy(args, 0, all, 4, args.length);
        CliContext ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true),
                Map.of("SMIME_TEST_PASS", PASS), dir);
        int code = HsmkitCli.run(ctx, all);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void signThenVerify() throws IOException {
        Run sign = hsmkit(aliceToken, "smime", "sign", "--key", "alice-rsa2048", "-o", "signed.eml", "mail.eml");
        assertEquals(0, sign.code(), sign.err());
        assertEquals("hsmkit: signed mail.eml into signed.eml\n", sign.err());
        assertTrue(Files.readString(dir.resolve("signed.eml")).contains("multipart/signed"));

        Run withChain = hsmkit(aliceToken, "smime", "sign", "--chain", "pki/ca-chain.pem", "--opaque", "-o", "signed-chain.eml", "mail.eml");
        assertEquals(0, withChain.code(), withChain.err());
        assertEquals(0, hsmkit(bobToken, "smime", "verify", "--trust", "pki/root.pem", "signed-chain.eml").code());

        Run verify = hsmkit(bobToken, "smime", "verify", "--trust", "pki/root.pem", "-o", "content.eml", "signed.eml");
        assertEquals(0, verify.code(), verify.err());
        assertTrue(verify.out().contains("verified: yes"), verify.out());
        assertTrue(verify.out().contains("revocation:   not checked"));
        assertTrue(Files.readString(dir.resolve("content.eml")).contains("The figures are fine."));
    }

    @Test
    void verifyWithoutTrustFailsWithExitOneAndWritesNothing() {
        assertEquals(0, hsmkit(aliceToken, "smime", "sign", "-o", "signed2.eml", "mail.eml").code());
        Run verify = hsmkit(bobToken, "smime", "verify", "-o", "nothing.eml", "signed2.eml");
        assertEquals(1, verify.code());
        assertTrue(verify.err().contains("no trust anchors"), verify.err());
        assertTrue(verify.err().contains("hsmkit: hint: give the root certificate"), verify.err());
        assertFalse(Files.exists(dir.resolve("nothing.eml")));
    }

    @Test
    void tamperedMessageExitsOne() throws IOException {
        assertEquals(0, hsmkit(aliceToken, "smime", "sign", "-o", "signed3.eml", "mail.eml").code());
        Path tampered = dir.resolve("tampered.eml");
        Files.writeString(tampered, Files.readString(dir.resolve("signed3.eml")).replace("fine", "FINE"));
        Run verify = hsmkit(bobToken, "smime", "verify", "--trust", "pki/root.pem", "tampered.eml");
        assertEquals(1, verify.code());
        assertTrue(verify.err().contains("tampered"), verify.err());
        assertTrue(verify.err().contains("hsmkit: hint: the message or its signature was altered after signing"), verify.err());

        Run unsigned = hsmkit(bobToken, "smime", "verify", "--trust", "pki/root.pem", "mail.eml");
        assertEquals(1, unsigned.code());
        assertTrue(unsigned.err().contains("hsmkit: hint: the message carries no S/MIME signature"), unsigned.err());
    }

    /**
     * What is to be signed or encrypted must be a message: a plain text file (its first line a
     * header to the mail parser), one header line without a colon, or an empty file is refused and
     * nothing is written; a message without From is signed, with a warning.
     */
    @Test
    void onlyAMessageIsSignedOrEncrypted() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "just text, no headers at all\nsecond line\n");
        Files.writeString(dir.resolve("colonless.eml"), "Subject: hi\nthis line has no colon\n\nbody\n");
        Files.writeString(dir.resolve("nothing.eml"), "");
        for (String file : List.of("notes.txt", "colonless.eml", "nothing.eml")) {
            for (String[] command : List.of(new String[] {"sign"}, new String[] {"encrypt", "-r", "pki/bob-p256.pem"},
                    new String[] {"sign-encrypt", "-r", "pki/bob-p256.pem"})) {
                List<String> args = new java.util.ArrayList<>(List.of("smime"));
                args.addAll(List.of(command));
                args.addAll(List.of("-o", "refused.eml", file));
                Run r = hsmkit(aliceToken, args.toArray(String[]::new));
                assertEquals(4, r.code(), file + " " + List.of(command) + ": " + r.err());
                assertTrue(r.err().startsWith("hsmkit: error: " + file + " is "), r.err());
                assertTrue(r.err().contains("hsmkit: hint: "), r.err());
                assertFalse(Files.exists(dir.resolve("refused.eml")));
            }
        }
        Run noHeaderLine = hsmkit(aliceToken, "smime", "sign", "-o", "refused.eml", "notes.txt");
        assertTrue(noHeaderLine.err().contains("'just text, no headers at all' is not a header line"), noHeaderLine.err());

        Files.writeString(dir.resolve("anonymous.eml"), "To: Bob <bob@hsmkit.test>\nSubject: no sender\n\nhello\n");
        Run anonymous = hsmkit(aliceToken, "smime", "sign", "-o", "anonymous-signed.eml", "anonymous.eml");
        assertEquals(0, anonymous.code(), anonymous.err());
        assertTrue(anonymous.err().startsWith("hsmkit: warning: the message has no From header"), anonymous.err());
        Run encrypted = hsmkit(aliceToken, "smime", "encrypt", "-r", "pki/bob-p256.pem", "-o", "anonymous-encrypted.eml", "anonymous.eml");
        assertFalse(encrypted.err().contains("warning"), "encryption alone names no signer: " + encrypted.err());
    }

    /** A header block Jakarta Mail fails on with an unchecked exception (found by fuzzing). */
    @Test
    void aMessageTheMailParserCannotReadIsAnInputErrorForEveryCommand() throws IOException {
        Files.writeString(dir.resolve("broken.eml"), " \r\n\tfolded into nothing\r\nFrom: alice@hsmkit.test\r\n\r\nbody\r\n");
        for (String[] command : List.of(new String[] {"verify", "--trust", "pki/root.pem"}, new String[] {"decrypt"},
                new String[] {"sign", "--key", "alice-rsa2048"})) {
            List<String> args = new java.util.ArrayList<>(List.of("smime"));
            args.addAll(List.of(command));
            args.addAll(List.of("-o", "broken.out", "broken.eml"));
            Run r = hsmkit(aliceToken, args.toArray(new String[0]));
            assertEquals(4, r.code(), command[0] + ": " + r.err());
            assertEquals("hsmkit: error: broken.eml: malformed MIME message: the mail parser cannot read its headers\n"
                    + "hsmkit: hint: check that the input is a complete .eml message\n", r.err(), command[0]);
            assertFalse(Files.exists(dir.resolve("broken.out")), command[0]);
        }
    }

    @Test
    void signEncryptThenDecryptAndVerify() throws IOException {
        Run se = hsmkit(aliceToken, "smime", "sign-encrypt", "-r", "pki/bob-p256.pem", "-o", "se.eml", "mail.eml");
        assertEquals(0, se.code(), se.err());
        assertEquals("hsmkit: signed and encrypted mail.eml into se.eml\n", se.err());
        assertFalse(Files.readString(dir.resolve("se.eml")).contains("figures are fine"));

        Run dec = hsmkit(bobToken, "smime", "decrypt", "-o", "dec.eml", "se.eml");
        assertEquals(0, dec.code(), dec.err());
        assertTrue(dec.err().startsWith("hsmkit: removed part 1: "), dec.err());
        assertTrue(Files.readString(dir.resolve("dec.eml")).contains("multipart/signed"), "the signature stays after decrypt");

        Run verifyDecrypted = hsmkit(bobToken, "smime", "verify", "--trust", "pki/root.pem", "dec.eml");
        assertEquals(0, verifyDecrypted.code(), verifyDecrypted.err());

        Run verifyEncrypted = hsmkit(bobToken, "smime", "verify", "--trust", "pki/root.pem", "se.eml");
        assertEquals(0, verifyEncrypted.code(), verifyEncrypted.err());
        assertTrue(verifyEncrypted.out().contains("AuthEnvelopedData"), verifyEncrypted.out());

        // the sender was added as a recipient: Alice reads her Sent copy
        assertEquals(0, hsmkit(aliceToken, "smime", "decrypt", "-o", "sent-copy.eml", "se.eml").code());
    }

    @Test
    void compatibilityProfileEncrypts() throws IOException {
        Run enc = hsmkit(aliceToken, "smime", "encrypt", "--cipher", "aes256-cbc", "--rsa-padding", "pkcs1", "-r", "pki/bob-p256.pem",
                "-o", "cbc.eml", "mail.eml");
        assertEquals(0, enc.code(), enc.err());
        assertTrue(Files.readString(dir.resolve("cbc.eml")).contains("smime-type=enveloped-data"));
        Run dec = hsmkit(bobToken, "smime", "decrypt", "cbc.eml");
        assertEquals(0, dec.code(), dec.err());
        assertTrue(dec.out().contains("The figures are fine."));
    }

    @Test
    void wrongRecipientIsExitThreeAndWritesNothing() {
        assertEquals(0, hsmkit(aliceToken, "smime", "encrypt", "--no-self", "-r", "pki/carol-p384.pem", "-o", "carol.eml", "mail.eml").code());
        Run dec = hsmkit(bobToken, "smime", "decrypt", "-o", "never.eml", "carol.eml");
        assertEquals(3, dec.code(), dec.err());
        assertFalse(Files.exists(dir.resolve("never.eml")));
    }

    @Test
    void outputRulesHold() throws IOException {
        Files.writeString(dir.resolve("exists.eml"), "keep me");
        Run clash = hsmkit(aliceToken, "smime", "sign", "-o", "exists.eml", "mail.eml");
        assertEquals(2, clash.code());
        assertEquals("keep me", Files.readString(dir.resolve("exists.eml")));
        Run self = hsmkit(aliceToken, "smime", "sign", "--force", "-o", "mail.eml", "mail.eml");
        assertEquals(2, self.code());
        Run noRecipient = hsmkit(aliceToken, "smime", "encrypt", "--no-self", "-o", "x.eml", "mail.eml");
        assertEquals(2, noRecipient.code());
        Run signOnly = hsmkit(aliceToken, "smime", "encrypt", "-r", "pki/signer-only-rsa.pem", "-o", "x.eml", "mail.eml");
        assertEquals(4, signOnly.code(), signOnly.err());
        assertFalse(Files.exists(dir.resolve("x.eml")));
        Run signWithRecipient = hsmkit(aliceToken, "smime", "sign", "-r", "pki/bob-p256.pem", "-o", "x.eml", "mail.eml");
        assertEquals(2, signWithRecipient.code(), "sign takes no recipients");
        Run missing = hsmkit(aliceToken, "smime", "verify", "--trust", "pki/root.pem", "no-such.eml");
        assertEquals(5, missing.code(), missing.err());
    }
}
