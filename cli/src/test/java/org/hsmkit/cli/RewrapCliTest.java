package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hsmkit rewrap, and decrypt with keys the token holds no certificate for, as a user runs them:
 * openssl decrypts for whoever stays, exit codes from the table, no output after a refusal.
 */
class RewrapCliTest {
    @TempDir
    static Path dir;
    static CmsCliFixture cli;

    @BeforeAll
    static void fixture() {
        ExternalTool.require("openssl", "openssl");
        cli = new CmsCliFixture(dir);
        cli.importKeyWithoutCertificate(TestPki.standard().user(TestUser.AMY_RSA4096), "amy-nocert");
        cli.importKeyWithoutCertificate(TestPki.standard().user(TestUser.SIGNER_ONLY_RSA), "sam-nocert");
    }

    private static boolean opensslDecrypts(String file, TestUser u, byte[] plain) throws Exception {
        ExternalTool.Result r = ExternalTool.run(dir, "openssl", "cms", "-decrypt", "-binary", "-inform", "DER", "-in", file,
                "-recip", u.fileName() + ".pem", "-inkey", u.fileName() + ".key.pem", "-out", file + ".openssl");
        return r.exitCode() == 0 && Arrays.equals(plain, Files.readAllBytes(dir.resolve(file + ".openssl")));
    }

    private static void assertRefused(CmsCliFixture.Result r, int exit, String message) {
        assertEquals(exit, r.exit(), r.stderr());
        assertTrue(r.stderr().startsWith("hsmkit: error: "), r.stderr());
        assertTrue(r.stderr().contains(message), r.stderr());
        assertTrue(r.stderr().contains("hsmkit: hint: "), r.stderr());
    }

    @Test
    void addAndRemoveRecipients() throws Exception {
        byte[] plain = Files.readAllBytes(cli.write("team.tar", 150_000, 3));
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "-r", "carol-p384.pem", "team.tar").exit());
        CmsCliFixture.Result r = cli.run("rewrap", "--add-recipient", "andy-rsa3072.pem", "--remove-recipient", "carol-p384.pem", "team.tar.p7m");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("", r.out());
        assertTrue(r.stderr().contains("re-wrapped") && r.stderr().contains("2 recipients now"), r.stderr());
        assertTrue(r.stderr().contains("can still read it"), r.stderr());
        assertTrue(opensslDecrypts("team.tar.rewrapped.p7m", TestUser.ALICE_RSA2048, plain));
        assertTrue(opensslDecrypts("team.tar.rewrapped.p7m", TestUser.ANDY_RSA3072, plain));
        assertFalse(opensslDecrypts("team.tar.rewrapped.p7m", TestUser.CAROL_P384, plain));
        assertTrue(opensslDecrypts("team.tar.p7m", TestUser.CAROL_P384, plain), "the input is left as it was");

        CmsCliFixture.Result again = cli.run("rewrap", "--add-recipient", "bob-p256.pem", "team.tar.p7m");
        assertRefused(again, 2, "exists");
    }

    @Test
    void refusalsLeaveNoOutput() throws Exception {
        cli.write("r.bin", 5000, 4);
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "-r", "carol-p384.pem", "r.bin").exit());
        assertRefused(cli.run("rewrap", "r.bin.p7m"), 2, "nothing to change");
        assertRefused(cli.run("rewrap", "--remove-recipient", "alice-rsa2048.pem", "r.bin.p7m"), 2, "your own key");
        assertRefused(cli.run("rewrap", "--remove-recipient", "0a0b0c", "r.bin.p7m"), 2, "is not a recipient");
        assertRefused(cli.run("rewrap", "--remove-recipient", "no-such-file", "r.bin.p7m"), 2,
                "neither a certificate file, a key id, nor a key on the token");
        assertRefused(cli.run("rewrap", "--add-recipient", "signer-only-rsa.pem", "r.bin.p7m"), 4, "does not allow");
        assertFalse(Files.exists(dir.resolve("r.bin.rewrapped.p7m")));
        assertTrue(cli.partials().isEmpty());
        CmsCliFixture.Result forced = cli.run("--force", "rewrap", "--remove-recipient", "alice-rsa2048.pem", "r.bin.p7m");
        assertEquals(0, forced.exit(), forced.stderr());
        assertRefused(cli.run("decrypt", "-o", "r.out", "r.bin.rewrapped.p7m"), 3, "no available key is a recipient");
    }

    /** A token key given to encrypt --to-key is removed by its label, as it was added. */
    @Test
    void aTokenKeyIsRemovedByItsLabel() throws Exception {
        byte[] plain = Files.readAllBytes(cli.write("k.bin", 4000, 7));
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "--to-key", "bob-p256", "k.bin").exit());
        CmsCliFixture.Result r = cli.run("rewrap", "--key", "alice-rsa2048", "--remove-recipient", "bob-p256", "-o", "k2.p7m", "k.bin.p7m");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("; 1 recipient now\n  removed: key 'bob-p256' (issuer \"CN=hsmkit Test Intermediate CA"), r.stderr());
        assertTrue(opensslDecrypts("k2.p7m", TestUser.ALICE_RSA2048, plain));
        assertFalse(opensslDecrypts("k2.p7m", TestUser.BOB_P256, plain));
        assertTrue(opensslDecrypts("k.bin.p7m", TestUser.BOB_P256, plain), "the input is left as it was");
    }

    /** --add-key gives a token key access as encrypt --to-key does: by certificate, or by key id when it has none. */
    @Test
    void aTokenKeyIsAddedByItsLabelWithOrWithoutACertificate() throws Exception {
        byte[] plain = Files.readAllBytes(cli.write("add.bin", 4000, 9));
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "add.bin").exit());
        CmsCliFixture.Result r = cli.run("rewrap", "--add-key", "amy-nocert", "--add-key", "bob-p256", "-o", "add2.p7m", "add.bin.p7m");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("3 recipients now") && r.stderr().contains("added: token key 'amy-nocert'"), r.stderr());
        assertTrue(opensslDecrypts("add2.p7m", TestUser.BOB_P256, plain), "a key with a certificate is named by it");
        assertTrue(opensslDecrypts("add2.p7m", TestUser.AMY_RSA4096, plain));
        CmsCliFixture.Result amy = cli.run("decrypt", "--key", "amy-nocert", "-o", "add2.amy", "add2.p7m");
        assertEquals(0, amy.exit(), amy.stderr());
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("add2.amy")));
        assertTrue(cli.run("inspect", "add2.p7m").out().contains("subject key id"), "the key without certificate is named by its key id");

        assertRefused(cli.run("rewrap", "--add-key", "amy-nocert", "-o", "add3.p7m", "add2.p7m"), 2, "already a recipient");
        assertRefused(cli.run("rewrap", "--add-key", "no-such-key", "-o", "add3.p7m", "add2.p7m"), 3, "no-such-key");
        assertFalse(Files.exists(dir.resolve("add3.p7m")));

        CmsCliFixture.Result re = cli.run("rewrap", "--reencrypt", "--remove-recipient", "bob-p256", "--add-key", "amy-nocert",
                "-o", "add4.p7m", "add2.p7m");
        assertEquals(0, re.exit(), re.stderr());
        assertTrue(opensslDecrypts("add4.p7m", TestUser.AMY_RSA4096, plain), "a re-encryption keeps a key added by label");
        assertTrue(opensslDecrypts("add4.p7m", TestUser.ALICE_RSA2048, plain));
        assertFalse(opensslDecrypts("add4.p7m", TestUser.BOB_P256, plain));
    }

    @Test
    void reencryptChangesTheContentKey() throws Exception {
        byte[] plain = Files.readAllBytes(cli.write("re.bin", 20_000, 5));
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "-r", "carol-p384.pem", "re.bin").exit());
        assertRefused(cli.run("rewrap", "--reencrypt", "-o", "re2.p7m", "re.bin.p7m"), 2, "needs the public key of every recipient");
        CmsCliFixture.Result r = cli.run("rewrap", "--reencrypt", "--add-recipient", "carol-p384.pem", "-o", "re2.p7m", "re.bin.p7m");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("re-encrypted"), r.stderr());
        assertTrue(opensslDecrypts("re2.p7m", TestUser.CAROL_P384, plain));
        assertTrue(opensslDecrypts("re2.p7m", TestUser.ALICE_RSA2048, plain));
    }

    @Test
    void aKeyWithoutCertificateDecryptsWhenNamedOrGivenItsCertificate() throws Exception {
        byte[] plain = Files.readAllBytes(cli.write("amy.bin", 3000, 6));
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "-r", "amy-rsa4096.pem", "amy.bin").exit());
        // without --key the file names no key the token can match
        assertRefused(cli.run("decrypt", "--key", "bob-p256", "-o", "x.out", "amy.bin.p7m"), 3, "no available key is a recipient");
        CmsCliFixture.Result tried = cli.run("decrypt", "--key", "amy-nocert", "-o", "amy.tried", "amy.bin.p7m");
        assertEquals(0, tried.exit(), tried.stderr());
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("amy.tried")));
        CmsCliFixture.Result byCert = cli.run("decrypt", "--key", "amy-nocert", "--cert", "amy-rsa4096.pem", "-o", "amy.cert", "amy.bin.p7m");
        assertEquals(0, byCert.exit(), byCert.stderr());
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("amy.cert")));
        assertRefused(cli.run("decrypt", "--key", "amy-nocert", "--cert", "alice-rsa2048.pem", "-o", "amy.bad", "amy.bin.p7m"), 3,
                "is not the certificate of key");
        assertRefused(cli.run("decrypt", "--cert", "amy-rsa4096.pem", "-o", "amy.bad", "amy.bin.p7m"), 2, "--cert needs --key");
        assertFalse(Files.exists(dir.resolve("amy.bad")));
    }

    @Test
    void aTriedKeyThatIsNotARecipientGetsOneErrorAndNoOutput() throws Exception {
        cli.write("alice.bin", 3000, 7);
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "alice.bin").exit());
        // Sam's key is RSA-2048 like Alice's: tried, and it fails like an altered file
        CmsCliFixture.Result r = cli.run("decrypt", "--key", "sam-nocert", "-o", "sam.out", "alice.bin.p7m");
        assertRefused(r, 1, "did not decrypt this file");
        assertFalse(Files.exists(dir.resolve("sam.out")));
    }

    @Test
    void subjectKeyIdentifiersFindAKeyWithoutCertificate() throws Exception {
        byte[] plain = Files.readAllBytes(cli.write("ski.bin", 3000, 8));
        assertEquals(0, cli.run("encrypt", "--recipient-id", "ski", "-r", "amy-rsa4096.pem", "-r", "carol-p384.pem", "ski.bin").exit());
        CmsCliFixture.Result inspect = cli.run("inspect", "ski.bin.p7m");
        assertTrue(inspect.out().contains("subject key id"), inspect.out());
        assertFalse(inspect.out().contains("serial"), inspect.out());
        CmsCliFixture.Result d = cli.run("decrypt", "-o", "ski.out", "ski.bin.p7m");   // no --key: found by key id
        assertEquals(0, d.exit(), d.stderr());
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("ski.out")));
        assertTrue(opensslDecrypts("ski.bin.p7m", TestUser.CAROL_P384, plain));
    }

    @Test
    void smimeDecryptTakesTheCertificateOfAKeyWithoutOne() throws Exception {
        Files.writeString(dir.resolve("mail.eml"), "From: alice@hsmkit.test\r\nTo: amy@hsmkit.test\r\nSubject: figures\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\nthe figures\r\n");
        CmsCliFixture.Result enc = cli.run("smime", "encrypt", "--no-self", "-r", "amy-rsa4096.pem", "-o", "mail.p7m.eml", "mail.eml");
        assertEquals(0, enc.exit(), enc.stderr());
        assertRefused(cli.run("smime", "decrypt", "-o", "mail.none.eml", "mail.p7m.eml"), 3, "recipient");
        CmsCliFixture.Result dec = cli.run("smime", "decrypt", "--key", "amy-nocert", "--cert", "amy-rsa4096.pem", "-o", "mail.out.eml",
                "mail.p7m.eml");
        assertEquals(0, dec.exit(), dec.stderr());
        assertTrue(Files.readString(dir.resolve("mail.out.eml")).contains("the figures"));
        assertRefused(cli.run("smime", "decrypt", "--key", "amy-nocert", "--cert", "alice-rsa2048.pem", "-o", "mail.bad.eml",
                "mail.p7m.eml"), 3, "is not the certificate of key");
        assertFalse(Files.exists(dir.resolve("mail.bad.eml")));
        assertFalse(Files.exists(dir.resolve("mail.none.eml")));
    }
}
