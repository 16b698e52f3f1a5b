package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hsmkit sign / verify as a user runs them, with the exit codes DESIGN.md documents. */
class FileSignatureCliTest {
    @TempDir
    static Path dir;
    static CmsCliFixture cli;

    @BeforeAll
    static void fixture() {
        cli = new CmsCliFixture(dir);
    }

    @Test
    void aDetachedSignatureVerifiesAgainstTheRootAndFindsItsContent() throws Exception {
        cli.write("report.bin", 100_000, 1);
        CmsCliFixture.Result s = cli.run("sign", "--key", "bob-p256", "report.bin");
        assertEquals(0, s.exit(), s.stderr());
        assertTrue(Files.exists(dir.resolve("report.bin.p7s")));
        CmsCliFixture.Result v = cli.run("verify", "--trust", "root.pem", "report.bin.p7s");
        assertEquals(0, v.exit(), v.stderr());
        assertTrue(v.out().contains("signature OK") && v.out().contains("Bob P-256") && v.out().contains("SHA256withECDSA"), v.out());
    }

    /** gpgsm --verify SIG DATA, and the other order: one verification, whatever the data file is called. */
    @Test
    void aDetachedSignatureAndItsDataInEitherOrderAreOneVerification() throws Exception {
        Path data = cli.write("minutes.txt", 3000, 5);
        assertEquals(0, cli.run("sign", "--key", "bob-p256", "-o", "minutes.sig", "minutes.txt").exit());
        for (String[] order : new String[][] {{"minutes.sig", "minutes.txt"}, {"minutes.txt", "minutes.sig"}}) {
            CmsCliFixture.Result v = cli.run("verify", "--trust", "root.pem", order[0], order[1]);
            assertEquals(0, v.exit(), v.stderr());
            assertTrue(v.out().startsWith("signature OK\n"), v.out());
        }
        byte[] b = Files.readAllBytes(data);
        b[1500] ^= 1;
        Files.write(dir.resolve("minutes-altered.txt"), b);
        CmsCliFixture.Result altered = cli.run("verify", "--trust", "root.pem", "minutes.sig", "minutes-altered.txt");
        assertEquals(1, altered.exit(), altered.stderr());
        assertTrue(altered.stderr().contains("does not verify"), altered.stderr());

        // two signatures stay a batch of two
        assertEquals(0, cli.run("sign", "--key", "bob-p256", "-o", "minutes2.sig", "minutes.txt").exit());
        CmsCliFixture.Result two = cli.run("verify", "--trust", "root.pem", "--content", "minutes.txt", "minutes.sig", "minutes2.sig");
        assertEquals(2, two.exit(), "--content with two signatures is still a usage error: " + two.stderr());
    }

    @Test
    void withoutTrustAnchorsTheSignerIsUntrusted() throws Exception {
        cli.write("untrusted.bin", 100, 2);
        assertEquals(0, cli.run("sign", "--key", "alice-rsa2048", "--pss", "untrusted.bin").exit());
        CmsCliFixture.Result v = cli.run("verify", "untrusted.bin.p7s");
        assertEquals(1, v.exit());
        assertTrue(v.stderr().contains("untrusted"), v.stderr());
        CmsCliFixture.Result wrongAnchor = cli.run("verify", "--trust", "alice-rsa2048.pem", "untrusted.bin.p7s");
        assertEquals(1, wrongAnchor.exit(), wrongAnchor.stderr());
    }

    /** openssl still signs with SHA-1 when asked and verifies it; hsmkit says why it does not rely on it. */
    @Test
    void aSha1SignatureIsAVerificationFailureThatSaysWhy() throws Exception {
        cli.write("old.bin", 700, 6);
        org.hsmkit.testdata.ExternalTool.run(dir, "openssl", "cms", "-sign", "-md", "sha1", "-nodetach", "-binary", "-in", "old.bin",
                "-signer", "alice-rsa2048.pem", "-inkey", "alice-rsa2048.key.pem", "-outform", "DER", "-out", "old.p7m").requireSuccess();
        CmsCliFixture.Result v = cli.run("verify", "--trust", "root.pem", "-o", "old.out", "old.p7m");
        assertEquals(1, v.exit(), v.stderr());
        assertTrue(v.stderr().startsWith("hsmkit: error: the signature of CN=Alice RSA-2048") && v.stderr().contains(
                " uses SHA-1, not relied on for signatures since 2014 (NIST SP 800-131A)\nhsmkit: hint: ask the signer to sign again"
                + " with SHA-256 or a stronger hash\n"), v.stderr());
        assertFalse(Files.exists(dir.resolve("old.out")), "content of an unverified signature is not released");
        assertEquals(0, v.stdout().length);
    }

    @Test
    void alteredContentFails() throws Exception {
        Path f = cli.write("altered.bin", 1000, 3);
        assertEquals(0, cli.run("sign", "--key", "bob-p256", "--armor", "altered.bin").exit());
        byte[] b = Files.readAllBytes(f);
        b[500] ^= 1;
        Files.write(f, b);
        CmsCliFixture.Result v = cli.run("verify", "--trust", "root.pem", "altered.bin.p7s");
        assertEquals(1, v.exit());
        assertTrue(v.stderr().contains("does not verify"), v.stderr());
    }

    @Test
    void anAttachedSignatureReleasesItsContentOnlyWhenVerified() throws Exception {
        Path f = cli.write("attached.bin", 5000, 4);
        assertEquals(0, cli.run("sign", "--key", "bob-p256", "--attached", "-o", "attached.p7m", "attached.bin").exit());
        CmsCliFixture.Result v = cli.run("verify", "--trust", "root.pem", "-o", "attached.out", "attached.p7m");
        assertEquals(0, v.exit(), v.stderr());
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(dir.resolve("attached.out")));
        // the content on standard output holds the content alone; the report goes to standard error
        CmsCliFixture.Result piped = cli.run("verify", "--trust", "root.pem", "-o", "-", "attached.p7m");
        assertEquals(0, piped.exit(), piped.stderr());
        assertArrayEquals(Files.readAllBytes(f), piped.stdout());
        assertTrue(piped.stderr().contains("signature OK"), piped.stderr());
        assertEquals(2, cli.run("--json", "verify", "--trust", "root.pem", "-o", "-", "attached.p7m").exit());
        CmsCliFixture.Result untrusted = cli.run("verify", "-o", "attached.untrusted", "attached.p7m");
        assertEquals(1, untrusted.exit());
        assertFalse(Files.exists(dir.resolve("attached.untrusted")));
        CmsCliFixture.Result inspect = cli.run("inspect", "attached.p7m");
        assertTrue(inspect.out().contains("SignedData") && inspect.out().contains("5000 bytes"), inspect.out());
    }
}
