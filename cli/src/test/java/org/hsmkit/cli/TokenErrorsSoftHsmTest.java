package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token and PIN failures on SoftHSM2 as the CLI reports them: wrong PIN (with what the token says
 * about tries left), a PIN at its final try (not tried without --allow-final-pin-try), a bad URI, a token that
 * is not there, a module that does not exist, a key the token does not permit for the operation.
 */
class TokenErrorsSoftHsmTest {
    static SoftHsmToken hsm;

    @TempDir
    Path tmp;

    @BeforeAll
    static void token() {
        hsm = SoftHsmToken.create("cli-errors");
    }

    @AfterAll
    static void done() {
        hsm.close();
    }

    CliRun.Result hsmkit(Path pinFile, String... args) {
        String[] all = Stream.concat(Stream.of("-t", hsm.uri(), "--module", hsm.module().toString(),
                "--pin-file", pinFile.toString()), Stream.of(args)).toArray(String[]::new);
        return CliRun.in(tmp).run(all);
    }

    Path wrongPinFile() throws IOException {
        Path f = tmp.resolve("wrong.pin");
        Files.writeString(f, "999999\n");
        return f;
    }

    @Test
    void wrongPinFailsWithWhatTheTokenSaysAboutTriesLeft() throws Exception {
        CliRun.Result r = hsmkit(wrongPinFile(), "key", "list").assertExit(ExitCode.KEY);
        assertEquals("hsmkit: error: wrong PIN for the token '" + hsm.label() + "'; the token reports its retry count low "
                + "(it does not say how many tries are left)", r.errorLine());
        assertEquals("hsmkit: hint: check the PIN (file or variable) and try again", r.hintLine());
        assertFalse(r.stderr().contains("999999"), "the PIN is never printed");
        assertEquals("", r.stdout());

        CliRun.Result info = hsmkit(hsm.pinFile(), "token", "info").assertOk();
        assertTrue(info.stdout().contains("pin:          count low"), info.stdout());
        assertTrue(info.stdout().contains("USER_PIN_COUNT_LOW"), info.stdout());

        hsmkit(hsm.pinFile(), "key", "list").assertOk();
        assertTrue(hsmkit(hsm.pinFile(), "token", "info").assertOk().stdout().contains("pin:          ok"),
                "a good login clears the count-low state");
    }

    /**
     * SoftHSM2 never reaches a final try by itself (it has no retry limit; a wrong PIN only sets
     * CKF_USER_PIN_COUNT_LOW). Its token flags live in the token's object file, so the test sets
     * CKF_USER_PIN_FINAL_TRY there, as a card would after its second-to-last wrong PIN, and bumps
     * the file's generation counter so that SoftHSM2 reads it again.
     */
    @Test
    void pinAtItsFinalTryIsNotTriedWithoutAllowFinalPinTry() throws Exception {
        setTokenFlag(hsm.label(), 0x00020000L /* CKF_USER_PIN_FINAL_TRY */, true);
        try {
            CliRun.Result list = CliRun.in(tmp).run("-t", hsm.uri(), "--module", hsm.module().toString(), "token", "list")
                    .assertOk();
            assertTrue(list.stdout().contains("final try (1 try left)"), list.stdout());

            Path wrong = wrongPinFile();
            CliRun.Result refused = hsmkit(wrong, "key", "list").assertExit(ExitCode.KEY);
            assertTrue(refused.errorLine().contains("is at its final try: one more wrong PIN locks it; hsmkit did not try"),
                    refused.stderr());
            assertTrue(refused.hintLine().contains("--allow-final-pin-try"), refused.stderr());
            assertFalse(countLow(), "no login was attempted: SoftHSM2 would have set CKF_USER_PIN_COUNT_LOW");

            CliRun.Result allowed = hsmkit(hsm.pinFile(), "--allow-final-pin-try", "key", "list").assertOk();
            assertFalse(allowed.stderr().contains("deprecated"), allowed.stderr());
            // the old spelling keeps working for one release, with a warning where it matters
            setTokenFlag(hsm.label(), 0x00020000L, true);
            CliRun.Result old = hsmkit(hsm.pinFile(), "--force", "key", "list").assertOk();
            assertTrue(old.stderr().contains("hsmkit: warning: --force spent the final PIN try; this use of --force is deprecated"
                    + " and ends in the next release: use --allow-final-pin-try"), old.stderr());
        } finally {
            setTokenFlag(hsm.label(), 0x00020000L, false);
        }
    }

    @Test
    void aModuleWithoutATokenSelectorMeansThatModulesToken() {
        CliRun.Result option = CliRun.in(tmp).run("--module", hsm.module().toString(), "token", "list").assertOk();
        assertTrue(option.stdout().startsWith("module: "), option.stdout());
        assertTrue(option.stdout().contains(hsm.label()), option.stdout());
        CliRun.Result env = CliRun.in(tmp).withEnv("HSMKIT_PKCS11_MODULE", hsm.module().toString()).run("token", "list").assertOk();
        assertTrue(env.stdout().contains(hsm.label()), env.stdout());
        assertFalse(env.stdout().contains("soft-token.p12"), env.stdout());
    }

    @Test
    void badUriIsAUsageError() {
        CliRun.Result r = CliRun.in(tmp).run("-t", "pkcs11:token=a;token=b", "--module", hsm.module().toString(),
                "key", "list").assertExit(ExitCode.USAGE);
        assertTrue(r.errorLine().contains("pkcs11:token=a;token=b"), r.stderr());
        assertTrue(r.errorLine().contains("appears twice"), r.stderr());
    }

    @Test
    void tokenThatIsNotThereNamesWhatIsPresent() {
        CliRun.Result r = CliRun.in(tmp).run("-t", "pkcs11:token=no-such-token", "--module", hsm.module().toString(),
                "key", "list").assertExit(ExitCode.KEY);
        assertTrue(r.errorLine().contains("no token matches pkcs11:token=no-such-token"), r.stderr());
        assertTrue(r.errorLine().contains("'" + hsm.label() + "'"), r.stderr());
        assertTrue(r.hintLine().contains("token list"), r.stderr());
    }

    @Test
    void missingModuleIsNamed() {
        CliRun.Result r = CliRun.in(tmp).run("-t", hsm.uri(), "--module", "/nonexistent/libpkcs11.so", "key", "list")
                .assertExit(ExitCode.KEY);
        assertEquals("hsmkit: error: the PKCS#11 module /nonexistent/libpkcs11.so (given) does not exist", r.errorLine());
        assertTrue(r.hintLine().contains("opensc-pkcs11.so"), r.stderr());

        CliRun.Result env = CliRun.in(tmp).withEnv("HSMKIT_PKCS11_MODULE", "/nonexistent/other.so")
                .run("-t", hsm.uri(), "token", "list").assertExit(ExitCode.KEY);
        assertTrue(env.errorLine().contains("/nonexistent/other.so"), env.stderr());
    }

    @Test
    void duplicateIdOnTheHsmCreatesNothing() {
        hsmkit(hsm.pinFile(), "key", "generate", "--type", "ec:P-256", "--label", "one", "--id", "05").assertOk();
        CliRun.Result r = hsmkit(hsm.pinFile(), "key", "generate", "--type", "ec:P-256", "--label", "two", "--id", "05")
                .assertExit(ExitCode.KEY);
        assertTrue(r.errorLine().contains("already holds a key with id 05"), r.stderr());
        assertFalse(hsm.pkcs11Tool("--list-objects").stdoutText().contains("two"));
        hsmkit(hsm.pinFile(), "key", "delete", "--key", "one", "--yes").assertOk();
    }

    /**
     * A key whose usage attributes forbid the operation (pkcs11-tool makes this one for signing
     * only, so CKA_DERIVE is false): the error names the attribute, says what to do, and leaves no
     * output behind.
     */
    @Test
    void keyTheTokenDoesNotPermitForEcdhNamesTheAttributeToFix() throws Exception {
        hsm.pkcs11Tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", "66", "--label", "sign-only", "--usage-sign");
        PublicKey publicKey;
        try (Token t = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false))) {
            publicKey = t.key("sign-only").publicKey();
        }
        Instant now = Instant.now();
        X509Certificate cert = TestPki.standard().issueUser("sign-only", new KeyPair(publicKey, null), "sign-only@hsmkit.test",
                KeyUsage.keyAgreement, new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection}, now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30))).certificate();
        Files.writeString(tmp.resolve("sign-only.pem"), TestPki.pem(List.of(cert)));
        Files.writeString(tmp.resolve("a.txt"), "for the key that may not derive\n");
        CliRun.in(tmp).run("encrypt", "-r", "sign-only.pem", "a.txt").assertOk();
        try {
            CliRun.Result r = hsmkit(hsm.pinFile(), "decrypt", "--key", "sign-only", "--cert", "sign-only.pem", "-o", "a.out",
                    "a.txt.p7m").assertExit(ExitCode.KEY);
            assertEquals("hsmkit: error: ECDH with the key 'sign-only' failed: the token '" + hsm.label()
                    + "' does not permit this use of the key (CKR_KEY_FUNCTION_NOT_PERMITTED)", r.errorLine());
            assertEquals("hsmkit: hint: the key's CKA_DERIVE attribute is false, and most tokens do not let it change: use a key "
                    + "made by 'hsmkit key generate' or imported with 'hsmkit key import'", r.hintLine());
            assertEquals("", r.stdout());
            assertFalse(Files.exists(tmp.resolve("a.out")), "no output after the failure");

            // in a batch every file would fail alike: the first failure stops it
            List<String> batch = new java.util.ArrayList<>(List.of("decrypt", "--key", "sign-only", "--cert", "sign-only.pem", "--jobs", "1",
                    "--output-dir", "batch-out"));
            for (int i = 0; i < 5; i++) {
                Files.writeString(tmp.resolve("b" + i + ".txt"), "file " + i + "\n");
                CliRun.in(tmp).run("encrypt", "-r", "sign-only.pem", "b" + i + ".txt").assertOk();
                batch.add("b" + i + ".txt.p7m");
            }
            CliRun.Result b = hsmkit(hsm.pinFile(), batch.toArray(String[]::new)).assertExit(ExitCode.KEY);
            assertEquals(1, b.stderr().lines().filter(l -> l.startsWith("hsmkit: error: ")).count(), b.stderr());
            assertTrue(b.stderr().contains("hsmkit: error: b0.txt.p7m: ECDH with the key 'sign-only' failed"), b.stderr());
            assertTrue(b.stderr().contains("hsmkit: decrypted 0 of 5 files; 1 failed; 4 not tried (the token or key failed, not the file)"),
                    b.stderr());
            try (Stream<Path> out = Files.list(tmp.resolve("batch-out"))) {
                assertEquals(0, out.count(), "no output after the failure");
            }
            batch.add(0, "--json");
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(hsmkit(hsm.pinFile(), batch.toArray(String[]::new))
                    .assertExit(ExitCode.KEY).stdout());
            assertEquals("key", json.get("stoppedBy").asText(), json.toString());
            assertEquals(4, json.get("notTried").asInt(), json.toString());
        } finally {
            hsmkit(hsm.pinFile(), "key", "delete", "--key", "sign-only", "--yes").assertOk();
        }
    }

    private boolean countLow() {
        CliRun.Result info = CliRun.in(tmp).run("-t", hsm.uri(), "--module", hsm.module().toString(), "token", "info").assertOk();
        return info.stdout().contains("USER_PIN_COUNT_LOW");
    }

    /**
     * Sets or clears a bit of CKA_OS_TOKENFLAGS (vendor attribute 0x8000534B, a big-endian 64-bit
     * value) in SoftHSM2's token.object, and increments the file's leading generation counter.
     */
    static void setTokenFlag(String label, long bit, boolean on) throws IOException {
        Path tokens = Path.of(System.getenv("SOFTHSM2_CONF")).toAbsolutePath().getParent().resolve("tokens");
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        try (Stream<Path> dirs = Files.list(tokens)) {
            for (Path dir : dirs.toList()) {
                Path object = dir.resolve("token.object");
                if (!Files.isRegularFile(object)) {
                    continue;
                }
                byte[] b = Files.readAllBytes(object);
                if (indexOf(b, labelBytes) < 0) {
                    continue;
                }
                ByteBuffer buf = ByteBuffer.wrap(b);
                for (int i = 8; i + 24 <= b.length; i++) {
                    if (buf.getLong(i) == 0x8000534BL && buf.getLong(i + 8) == 2L) {
                        long flags = buf.getLong(i + 16);
                        buf.putLong(i + 16, on ? flags | bit : flags & ~bit);
                        buf.putLong(0, buf.getLong(0) + 1);
                        Files.write(object, b);
                        return;
                    }
                }
                throw new AssertionError("no token flags attribute in " + object);
            }
        }
        throw new AssertionError("no SoftHSM2 token labelled " + label + " in " + tokens);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

}
