package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hsmkit smime …} with keys on a SoftHSM2 token through PKCS#11. */
class SmimeCliPkcs11Test {
    @TempDir
    static Path dir;
    static SoftHsmToken hsm;

    @BeforeAll
    static void setUp() throws Exception {
        TestPki.standard().writeTo(dir.resolve("pki"));
        hsm = SoftHsmToken.create("smime-cli");
        try (Token t = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false))) {
            for (TestUser u : new TestUser[] {TestUser.ALICE_RSA2048, TestUser.BOB_P256}) {
                TestPki.Credential c = TestPki.standard().user(u);
                t.importKey(c.privateKey(), c.chain(), u.fileName(), new byte[] {(byte) u.ordinal()});
            }
        }
        Files.writeString(dir.resolve("mail.eml"), "From: Bob <bob@hsmkit.test>\r\nTo: Alice <alice@hsmkit.test>\r\n"
                + "Subject: from the HSM\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nSigned on a token.\r\n");
    }

    @AfterAll
    static void tearDown() {
        hsm.close();
    }

    private static int hsmkit(String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(new String[] {"-t", hsm.uri(), "--module", hsm.module().toString(), "--pin-file", hsm.pinFile().toString()}, 0, all, 0, 6);
        System.arraycopy(args, 0, all, 6, args.length);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = HsmkitCli.run(new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true), Map.of(), dir), all);
        if (code != 0) {
            System.err.println(err.toString(StandardCharsets.UTF_8));
        }
        return code;
    }

    @Test
    void signEncryptDecryptVerifyWithTokenKeys() throws Exception {
        assertEquals(0, hsmkit("smime", "sign-encrypt", "--key", "bob-p256", "-r", "pki/alice-rsa2048.pem", "-o", "out.eml", "mail.eml"));
        assertEquals(0, hsmkit("smime", "verify", "--key", "alice-rsa2048", "--trust", "pki/root.pem", "-o", "plain.eml", "out.eml"));
        assertTrue(Files.readString(dir.resolve("plain.eml")).contains("Signed on a token."));
        assertEquals(0, hsmkit("smime", "decrypt", "--key", "bob-p256", "-o", "sent.eml", "out.eml"), "the sender reads the Sent copy");
        assertEquals(0, hsmkit("smime", "sign", "--key", "alice-rsa2048", "--pss", "--opaque", "-o", "pss.eml", "mail.eml"));
        assertEquals(1, hsmkit("smime", "verify", "--trust", "pki/root.pem", "pss.eml"), "signed by Alice, From says Bob");
    }
}
