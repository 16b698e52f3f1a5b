package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** hsmkit encrypt / decrypt / inspect as a user runs them: names, exit codes, and nothing left behind on failure. */
class FileEncryptionCliTest {
    @TempDir
    static Path dir;
    static CmsCliFixture cli;

    @BeforeAll
    static void fixture() {
        cli = new CmsCliFixture(dir);
    }

    /** Each recipient type and each cipher once; crypto-core's tests cover the full matrix. */
    static List<Arguments> recipientsAndCiphers() {
        return List.of(Arguments.of(TestUser.ALICE_RSA2048, "aes256-gcm", "oaep"), Arguments.of(TestUser.ALICE_RSA2048, "aes256-cbc", "pkcs1"),
                Arguments.of(TestUser.BOB_P256, "aes128-cbc", "oaep"), Arguments.of(TestUser.BOB_P256, "aes256-gcm", "oaep"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("recipientsAndCiphers")
    void encryptThenDecryptWithDefaultNames(TestUser u, String cipher, String padding) throws Exception {
        String name = "rt-" + u.fileName() + "-" + cipher + "-" + padding + ".bin";
        Path in = cli.write(name, 70_000, name.hashCode());
        byte[] plain = Files.readAllBytes(in);
        CmsCliFixture.Result enc = cli.run("encrypt", "-r", u.fileName() + ".pem", "-r", "grace-bp512.pem", "--cipher", cipher,
                "--rsa-padding", padding, name);
        assertEquals(0, enc.exit(), enc.stderr());
        assertTrue(Files.exists(dir.resolve(name + ".p7m")));
        Files.delete(in);
        CmsCliFixture.Result dec = cli.run("decrypt", name + ".p7m");
        assertEquals(0, dec.exit(), dec.stderr());
        assertArrayEquals(plain, Files.readAllBytes(in));
        assertEquals(cipher.endsWith("cbc"), dec.stderr().contains("not authenticated"), dec.stderr());
    }

    /** Old mail and archives in 3DES (openssl -des3) decrypt, with a warning that names the legacy cipher; hsmkit never writes it. */
    @Test
    void a3desFileFromOpensslDecryptsWithALegacyWarningAndCannotBeWritten() throws Exception {
        org.hsmkit.testdata.ExternalTool.require("openssl", "openssl");
        Path in = cli.write("old.bin", 5000, 3);
        org.hsmkit.testdata.ExternalTool.run(dir, "openssl", "cms", "-encrypt", "-binary", "-des3", "-outform", "DER", "-in", "old.bin",
                "-out", "old.bin.p7m", "alice-rsa2048.pem", "bob-p256.pem").requireSuccess();
        for (String key : List.of("alice-rsa2048", "bob-p256")) {
            CmsCliFixture.Result dec = cli.run("decrypt", "--key", key, "-o", "old-" + key + ".out", "old.bin.p7m");
            assertEquals(0, dec.exit(), dec.stderr());
            assertTrue(dec.stderr().contains("hsmkit: warning: the content is not authenticated (des-ede3-cbc, a legacy cipher)"), dec.stderr());
            assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(dir.resolve("old-" + key + ".out")));
        }
        CmsCliFixture.Result write = cli.run("encrypt", "-r", "alice-rsa2048.pem", "--cipher", "des-ede3-cbc", "-o", "new.p7m", "old.bin");
        assertEquals(2, write.exit(), write.stderr());
        assertFalse(Files.exists(dir.resolve("new.p7m")));
    }

    @Test
    void armorStandardStreamsAndInspect() throws Exception {
        byte[] plain = Files.readAllBytes(cli.write("streams.bin", 1000, 1));
        CmsCliFixture.Result enc = cli.runWithInput(plain, "encrypt", "--armor", "--to-key", "bob-p256", "-r", "alice-rsa2048.pem", "-");
        assertEquals(0, enc.exit(), enc.stderr());
        assertTrue(enc.out().startsWith("-----BEGIN CMS-----"), enc.out());
        CmsCliFixture.Result inspect = cli.runWithInput(enc.stdout(), "inspect", "-");
        assertEquals(0, inspect.exit(), inspect.stderr());
        assertTrue(inspect.out().contains("AuthEnvelopedData"), inspect.out());
        assertTrue(inspect.out().contains("EC 256-bit, ECDH X9.63 KDF SHA-256, AES-256 key wrap"), inspect.out());
        assertTrue(inspect.out().contains("RSA, RSA OAEP SHA-256/MGF1-SHA-256"), inspect.out());
        CmsCliFixture.Result dec = cli.runWithInput(enc.stdout(), "decrypt", "--key", "alice-rsa2048", "-");
        assertEquals(0, dec.exit(), dec.stderr());
        assertArrayEquals(plain, dec.stdout());
    }

    @Test
    void anExistingOutputIsKeptUnlessForced() throws Exception {
        cli.write("exists.bin", 10, 2);
        Files.writeString(dir.resolve("exists.bin.p7m"), "keep me");
        CmsCliFixture.Result r = cli.run("encrypt", "-r", "alice-rsa2048.pem", "exists.bin");
        assertEquals(2, r.exit());
        assertTrue(r.stderr().contains("--force"), r.stderr());
        assertEquals("keep me", Files.readString(dir.resolve("exists.bin.p7m")));
        assertEquals(0, cli.run("--force", "encrypt", "-r", "alice-rsa2048.pem", "exists.bin").exit());
        assertNotEquals("keep me", Files.readString(dir.resolve("exists.bin.p7m"), java.nio.charset.StandardCharsets.ISO_8859_1));
        CmsCliFixture.Result self = cli.run("--force", "encrypt", "-r", "alice-rsa2048.pem", "-o", "exists.bin", "exists.bin");
        assertEquals(2, self.exit(), self.stderr());
    }

    /** As CAs deliver certificates (and as 'hsmkit ca issue --chain' writes them): with their issuers. */
    @Test
    void aChainFileNamesItsEndEntityAsTheOnlyRecipient() throws Exception {
        byte[] plain = Files.readAllBytes(cli.write("chained.bin", 3000, 11));
        CmsCliFixture.Result enc = cli.run("encrypt", "-r", "alice-rsa2048.chain.pem", "chained.bin");
        assertEquals(0, enc.exit(), enc.stderr());
        assertTrue(enc.stderr().contains("hsmkit: alice-rsa2048.chain.pem: 2 CA certificates of the chain left out; the recipient is"
                + " CN=Alice RSA-2048,"), enc.stderr());
        assertTrue(enc.stderr().contains("for 1 recipient "), enc.stderr());
        CmsCliFixture.Result quiet = cli.run("-q", "--force", "encrypt", "-r", "alice-rsa2048.chain.pem", "chained.bin");
        assertEquals("", quiet.stderr());
        CmsCliFixture.Result dec = cli.run("decrypt", "-o", "chained.out", "chained.bin.p7m");
        assertEquals(0, dec.exit(), dec.stderr());
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("chained.out")));
    }

    @Test
    void aCertificateThatForbidsEncryptionIsRefusedBeforeAnyOutput() throws Exception {
        cli.write("ku.bin", 10, 3);
        CmsCliFixture.Result r = cli.run("encrypt", "-r", "signer-only-rsa.pem", "ku.bin");
        assertEquals(4, r.exit());
        assertTrue(r.stderr().contains("key usage forbids encryption"), r.stderr());
        assertFalse(Files.exists(dir.resolve("ku.bin.p7m")));
    }

    /** Where the parts of a one-recipient RSA GCM file lie. */
    record Layout(int wrappedKey, int nonce, int ciphertext, int tag) {
    }

    static Layout layout(byte[] file) {
        AuthEnvelopedData ad = AuthEnvelopedData.getInstance(ContentInfo.getInstance(file).getContent());
        ASN1Encodable ri = ad.getRecipientInfos().getObjectAt(0);
        byte[] wrapped = KeyTransRecipientInfo.getInstance(RecipientInfo.getInstance(ri).getInfo()).getEncryptedKey().getOctets();
        byte[] nonce = GCMParameters.getInstance(ad.getAuthEncryptedContentInfo().getContentEncryptionAlgorithm().getParameters()).getNonce();
        byte[] ct = ad.getAuthEncryptedContentInfo().getEncryptedContent().getOctets();
        byte[] tag = ad.getMac().getOctets();
        return new Layout(indexOf(file, wrapped), indexOf(file, nonce), indexOf(file, java.util.Arrays.copyOf(ct, 32)), indexOf(file, tag));
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    static List<Arguments> tamperings() {
        return List.of(Arguments.of("header: content type OID", 14, 4), Arguments.of("header: recipient issuer name", 120, 3),
                Arguments.of("wrapped key", -1, 1), Arguments.of("nonce", -2, 1), Arguments.of("ciphertext", -3, 1),
                Arguments.of("tag", -4, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperings")
    void everyTamperingClassFailsWithNothingAtTheTarget(String what, int offset, int expectedExit) throws Exception {
        cli.write("tamper.bin", 5000, 4);
        assertEquals(0, cli.run("--force", "encrypt", "-r", "alice-rsa2048.pem", "-o", "tamper.p7m", "tamper.bin").exit());
        byte[] file = Files.readAllBytes(dir.resolve("tamper.p7m"));
        Layout l = layout(file);
        int at = switch (offset) {
            case -1 -> l.wrappedKey() + 100;
            case -2 -> l.nonce() + 5;
            case -3 -> l.ciphertext() + 10;
            case -4 -> l.tag() + 15;
            default -> offset;
        };
        file[at] ^= 0x04;
        Files.write(dir.resolve("tampered.p7m"), file);
        CmsCliFixture.Result r = cli.run("decrypt", "-o", "tampered.out", "tampered.p7m");
        assertNotEquals(0, r.exit(), what);
        if (expectedExit > 0 && offset < 0 && offset != -1) {
            assertEquals(expectedExit, r.exit(), r.stderr());
        }
        assertTrue(r.stderr().startsWith("hsmkit: error: "), r.stderr());
        assertFalse(Files.exists(dir.resolve("tampered.out")), what);
        assertEquals(List.of(), cli.partials());
    }

    /** The offsets where a BER element (tag, length or contents) starts or ends, from the outermost in. */
    static java.util.SortedSet<Integer> boundaries(byte[] b, int from, int to, java.util.SortedSet<Integer> out) {
        int i = from;
        while (i < to) {
            out.add(i);
            if (b[i] == 0 && b[i + 1] == 0) {
                out.add(i + 2);
                return out;
            }
            boolean constructed = (b[i] & 0x20) != 0;
            int p = i + 1;
            int first = b[p++] & 0xff;
            out.add(p - 1);
            int len;
            if (first == 0x80) {
                len = -1;
            } else if (first < 0x80) {
                len = first;
            } else {
                len = 0;
                for (int k = 0; k < (first & 0x7f); k++) {
                    len = (len << 8) | (b[p++] & 0xff);
                }
            }
            out.add(p);
            if (len < 0) {
                java.util.SortedSet<Integer> inner = boundaries(b, p, to, out);
                i = inner.last();
            } else {
                if (constructed) {
                    boundaries(b, p, p + len, out);
                } else if (len > 2) {
                    out.add(p + len / 2);
                }
                i = p + len;
            }
            out.add(i);
        }
        return out;
    }

    @Test
    void aTruncationAtEveryBoundaryOfASmallFileFailsWithNothingAtTheTarget() throws Exception {
        cli.write("short.bin", 33, 5);
        assertEquals(0, cli.run("--force", "encrypt", "-r", "bob-p256.pem", "-o", "short.p7m", "short.bin").exit());
        byte[] file = Files.readAllBytes(dir.resolve("short.p7m"));
        java.util.SortedSet<Integer> cuts = boundaries(file, 0, file.length, new java.util.TreeSet<>());
        cuts.remove(file.length);
        assertTrue(cuts.size() > 30, cuts.toString());
        for (int len : cuts) {
            Files.write(dir.resolve("cut.p7m"), java.util.Arrays.copyOf(file, len));
            CmsCliFixture.Result r = cli.run("decrypt", "-o", "cut.out", "cut.p7m");
            assertTrue(r.exit() == 1 || r.exit() == 4, len + ": " + r.exit() + " " + r.stderr());
            assertFalse(Files.exists(dir.resolve("cut.out")), "length " + len);
        }
        assertEquals(List.of(), cli.partials());
    }

    /** The wrong kind of file is named, with the commands that take it, and nothing is written. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "decrypt     | alice-rsa2048.pem     | an X.509 certificate (or a request, CRL or public key), not a CMS file",
        "decrypt     | alice-rsa2048.key.pem | a private key (or a PKCS#12 key store), not a CMS file",
        "inspect     | alice-rsa2048.p12     | a private key (or a PKCS#12 key store), not a CMS file",
        "verify      | message.asc           | OpenPGP data, not a CMS file",
        "verify      | contract.pdf          | a PDF document, not a CMS file",
        "pgp decrypt | report.p7m            | a CMS file, not OpenPGP data",
        "pgp inspect | alice-rsa2048.pem     | an X.509 certificate (or a request, CRL or public key), not OpenPGP data",
        "pgp decrypt | letter.txt            | not OpenPGP data: neither packets nor ASCII armour",
    })
    void theWrongKindOfFileIsNamedWithTheCommandsThatTakeIt(String command, String file, String is) throws Exception {
        Files.writeString(dir.resolve("message.asc"), "-----BEGIN PGP MESSAGE-----\n\nhQEMA+Lk\n-----END PGP MESSAGE-----\n");
        Files.writeString(dir.resolve("contract.pdf"), "%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n");
        Files.writeString(dir.resolve("letter.txt"), "Dear Bob,\nthe figures are fine.\n");
        cli.run("--force", "encrypt", "-r", "alice-rsa2048.pem", "-o", "report.p7m", "contract.pdf");
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("-o", "wrong.out", file));
        if (command.equals("inspect") || command.equals("pgp inspect")) {
            args.removeAll(List.of("-o", "wrong.out"));
        }
        CmsCliFixture.Result r = cli.run(args.toArray(String[]::new));
        assertEquals(4, r.exit(), r.stderr());
        List<String> lines = r.stderr().lines().toList();
        assertEquals("hsmkit: error: the input is " + is, lines.get(0), r.stderr());
        assertTrue(lines.get(1).startsWith("hsmkit: hint: "), r.stderr());
        assertFalse(Files.exists(dir.resolve("wrong.out")));
    }

    /** sudo, or another HOME, finds another (empty) soft token: the error says the token is empty, and why that may be. */
    @Test
    void aTokenWithoutKeysIsSaidToBeEmptyAndNothingIsCreated() throws Exception {
        cli.write("for-alice.bin", 100, 9);
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "for-alice.bin").exit());
        Path empty = dir.resolve("elsewhere/soft-token.p12");
        CliRun.Result r = CliRun.in(dir).withEnv("EMPTY_PIN", "a passphrase").run("-t", "soft:" + empty, "--pin-env", "EMPTY_PIN",
                "decrypt", "-o", "for-alice.out", "for-alice.bin.p7m").assertExit(ExitCode.KEY);
        assertTrue(r.errorLine().startsWith("hsmkit: error: the token holds no private key, and this file is for: issuer "), r.stderr());
        assertTrue(r.hintLine().contains("sudo or another HOME means another token"), r.stderr());
        assertFalse(Files.exists(empty), "decrypting creates no token");
        assertFalse(Files.exists(dir.resolve("for-alice.out")));
    }

    @Test
    void aFileForAnotherKeyNamesItsRecipients() throws Exception {
        cli.write("other.bin", 10, 6);
        assertEquals(0, cli.run("--force", "encrypt", "-r", "andy-rsa3072.pem", "-o", "other.p7m", "other.bin").exit());
        CmsCliFixture.Result r = cli.run("decrypt", "-o", "other.out", "other.p7m");
        assertEquals(3, r.exit());
        assertTrue(r.stderr().contains("serial"), r.stderr());
        CmsCliFixture.Result wrong = cli.run("decrypt", "--key", "bob-p256", "-o", "other.out", "other.p7m");
        assertEquals(3, wrong.exit());
        assertFalse(Files.exists(dir.resolve("other.out")));
    }

    @Test
    void theDemoRefusesANegativeSize() {
        CmsCliFixture.Result r = cli.run("demo", "--size-mib", "-1");
        assertEquals(2, r.exit(), r.stderr());
        assertTrue(r.stderr().startsWith("hsmkit: error: --size-mib -1 is not a size\n"), r.stderr());
        assertEquals(0, r.stdout().length, "nothing was done");
    }

    @Test
    void theDemoRunsWithoutPrompts() {
        CmsCliFixture.Result r = cli.run("demo", "--size-mib", "1");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("demo OK"), r.out());
        assertTrue(r.out().contains("1 private-key operation(s)"), r.out());
    }
}
