package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.util.Arrays;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsmkit smime decrypt --key} with keys made by pkcs11-tool on SoftHSM2, for which the
 * token holds no certificate: the message names its recipients by issuer and serial, so the named
 * key is tried on the entries that fit it. Messages come from openssl and from hsmkit; the
 * certificates the senders encrypt to exist only as files.
 */
class SmimeKeyWithoutCertificateCliTest {
    @TempDir
    static Path dir;
    static SoftHsmToken hsm;

    @BeforeAll
    static void token() throws Exception {
        ExternalTool.require("openssl", "openssl");
        TestPki.standard().writeTo(dir);
        hsm = SoftHsmToken.create("smime-certless");
        hsm.pkcs11Tool("--keypairgen", "--key-type", "rsa:2048", "--id", "51", "--label", "tool-rsa");
        hsm.pkcs11Tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", "52", "--label", "tool-ec");
        try (Token t = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false))) {
            TestPki.Credential alice = TestPki.standard().user(TestUser.ALICE_RSA2048);
            t.importKey(alice.privateKey(), alice.chain(), "alice", null);
            certificateFile(t, "tool-rsa", KeyUsage.keyEncipherment);
            certificateFile(t, "tool-ec", KeyUsage.keyAgreement);
        }
        Files.writeString(dir.resolve("mail.eml"), "From: Alice <alice@hsmkit.test>\r\nTo: Tool <tool@hsmkit.test>\r\n"
                + "Subject: figures\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nthe figures for the key without a certificate\r\n");
    }

    @AfterAll
    static void done() {
        hsm.close();
    }

    /** A certificate for a token key, written to LABEL.pem and not stored on the token. */
    private static void certificateFile(Token t, String label, int keyUsage) throws Exception {
        Instant now = Instant.now();
        TestPki.Credential c = TestPki.standard().issueUser(label, new KeyPair(t.key(label).publicKey(), null), label + "@hsmkit.test",
                keyUsage, new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection}, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
        Files.writeString(dir.resolve(label + ".pem"), TestPki.pem(List.of(c.certificate())));
    }

    private static CliRun.Result hsmkit(String... args) {
        List<String> all = new ArrayList<>(List.of("-t", hsm.uri(), "--module", hsm.module().toString(),
                "--pin-file", hsm.pinFile().toString()));
        all.addAll(List.of(args));
        return CliRun.in(dir).run(all.toArray(String[]::new));
    }

    /** {@code openssl cms -encrypt} (AES-256-CBC, S/MIME output) of mail.eml to the certificate files. */
    private static void opensslEncrypts(String out, String... certificates) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "cms", "-encrypt", "-aes256", "-in", "mail.eml", "-out", out));
        cmd.addAll(List.of(certificates));
        ExternalTool.run(dir, cmd.toArray(String[]::new)).requireSuccess();
    }

    private static void hsmkitEncrypts(String out, String... certificates) {
        List<String> cmd = new ArrayList<>(List.of("smime", "encrypt", "--no-self", "-o", out));
        for (String c : certificates) {
            cmd.addAll(List.of("-r", c));
        }
        cmd.add("mail.eml");
        hsmkit(cmd.toArray(String[]::new)).assertOk();
    }

    private static void assertFailedWithNoOutput(CliRun.Result r, int exit, String output) {
        r.assertExit(exit);
        assertEquals("", r.stdout());
        assertFalse(Files.exists(dir.resolve(output)), output + " must not exist after a failure");
    }

    @Test
    void aNamedRsaKeyOpensAMessageThatNamesOnlyItsCertificate() throws Exception {
        // Alice's entry comes first and fits too (RSA-2048): it is tried and does not open
        opensslEncrypts("to-rsa.eml", "alice-rsa2048.pem", "tool-rsa.pem", "carol-p384.pem");
        CliRun.Result r = hsmkit("smime", "decrypt", "--key", "tool-rsa", "to-rsa.eml").assertOk();
        assertTrue(r.stdout().contains("the figures for the key without a certificate"), r.stdout());
        assertTrue(r.stderr().contains("removed part 1"), r.stderr());
        assertFalse(r.stderr().contains("error"), r.stderr());
    }

    @Test
    void aNamedEcKeyOpensAMessageThatNamesOnlyItsCertificate() throws Exception {
        // Bob's P-256 entry fits the key's curve and is tried first
        opensslEncrypts("to-ec.eml", "bob-p256.pem", "tool-ec.pem", "alice-rsa2048.pem");
        hsmkit("smime", "decrypt", "--key", "tool-ec", "-o", "from-ec.eml", "to-ec.eml").assertOk();
        assertTrue(Files.readString(dir.resolve("from-ec.eml")).contains("the figures for the key without a certificate"));
    }

    @Test
    void aBatchWithANamedKeyTriesItOnEachMessage() throws Exception {
        opensslEncrypts("batch-1.eml", "tool-rsa.pem");
        hsmkitEncrypts("batch-2.eml", "alice-rsa2048.pem", "tool-rsa.pem");
        CliRun.Result r = hsmkit("smime", "decrypt", "--key", "tool-rsa", "--output-dir", "batch-out", "batch-1.eml", "batch-2.eml");
        r.assertOk();
        for (String name : List.of("batch-1.eml", "batch-2.eml")) {
            assertTrue(Files.readString(dir.resolve("batch-out").resolve(name)).contains("the figures"), name);
        }
    }

    @Test
    void aNamedKeyThatOpensNothingFailsWithOneErrorWhetherTheEntryOrTheContentFailed() throws Exception {
        // the key's entry is missing: the RSA-2048 entry for Alice is tried, its padding fails
        hsmkitEncrypts("for-alice.eml", "alice-rsa2048.pem", "carol-p384.pem");
        CliRun.Result wrongEntry = hsmkit("smime", "decrypt", "--key", "tool-rsa", "-o", "wrong-entry.eml", "for-alice.eml");
        assertFailedWithNoOutput(wrongEntry, ExitCode.VERIFICATION_FAILED, "wrong-entry.eml");
        assertEquals("hsmkit: error: key 'tool-rsa' did not decrypt this file: the file does not name it, and none of the 1"
                + " recipient entry of its type opened with it, or the file was altered", wrongEntry.errorLine());

        // the key's entry opens, the content was altered
        hsmkitEncrypts("for-tool.eml", "tool-rsa.pem", "carol-p384.pem");
        alterTag("for-tool.eml", "altered.eml");
        CliRun.Result badContent = hsmkit("smime", "decrypt", "--key", "tool-rsa", "-o", "bad-content.eml", "altered.eml");
        assertFailedWithNoOutput(badContent, ExitCode.VERIFICATION_FAILED, "bad-content.eml");
        assertEquals(wrongEntry.errorLine(), badContent.errorLine());
        assertEquals(wrongEntry.hintLine(), badContent.hintLine());

        hsmkit("smime", "decrypt", "--key", "tool-rsa", "-o", "unaltered.eml", "for-tool.eml").assertOk();
    }

    @Test
    void withoutKeyAKeyWithoutCertificateIsNotTried() throws Exception {
        opensslEncrypts("unnamed.eml", "tool-rsa.pem", "carol-p384.pem");
        CliRun.Result r = hsmkit("smime", "decrypt", "-o", "unnamed.out.eml", "unnamed.eml");
        assertFailedWithNoOutput(r, ExitCode.KEY, "unnamed.out.eml");
        assertTrue(r.errorLine().contains("no available key is a recipient"), r.stderr());
        assertTrue(r.errorLine().contains("(RSA)") && r.errorLine().contains("(EC 384-bit)"), r.stderr());
        assertFalse(r.stderr().contains("did not decrypt"), r.stderr());
    }

    @Test
    void aKeyWithoutAFittingEntryIsNotTried() throws Exception {
        // an EC key and RSA entries only: nothing to try, so the recipients are listed
        opensslEncrypts("rsa-only.eml", "alice-rsa2048.pem", "tool-rsa.pem");
        CliRun.Result r = hsmkit("smime", "decrypt", "--key", "tool-ec", "-o", "rsa-only.out.eml", "rsa-only.eml");
        assertFailedWithNoOutput(r, ExitCode.KEY, "rsa-only.out.eml");
        assertTrue(r.errorLine().contains("no available key is a recipient"), r.stderr());
    }

    /** Copies a message from hsmkit (AES-GCM) with one bit of its authentication tag flipped. */
    private static void alterTag(String from, String to) throws Exception {
        String text = Files.readString(dir.resolve(from), StandardCharsets.US_ASCII);
        Matcher blank = Pattern.compile("\r?\n\r?\n").matcher(text);
        assertTrue(blank.find(), "no end of the header");
        byte[] der = Base64.getMimeDecoder().decode(text.substring(blank.end()).trim());
        byte[] mac = new CMSAuthEnvelopedData(der).getMac();
        int at = indexOf(der, mac);
        assertTrue(at > 0, "the tag is not in the encoding");
        der[at + mac.length - 1] ^= 1;
        Files.writeString(dir.resolve(to), text.substring(0, blank.end()) + Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\r\n", StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.areEqual(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
