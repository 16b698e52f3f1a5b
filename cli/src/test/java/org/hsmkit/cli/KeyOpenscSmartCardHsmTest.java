package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.hsmkit.core.internal.card.Pkcs15Files;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.pcsc.PcscTestService;
import org.hsmkit.testdata.schsm.SmartCardHsmFixture;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key ceremony on a SmartCard-HSM as a Nitrokey HSM 2 user runs it, {@code --module
 * opensc-pkcs11.so -t 'pkcs11:token=SmartCard-HSM (UserPIN)'}, with the simulator behind the test
 * pcscd: generate, CSR, import-cert, encrypt and decrypt (RSA-OAEP and ECDH), sign and verify,
 * delete; a later command (the card taken out and put back, so OpenSC reads it afresh) deletes a
 * certified key and lists a key whose public key is unknown.
 */
class KeyOpenscSmartCardHsmTest {
    static SmartCardHsmSimulator simulator;
    static SmartCardHsmFixture card;

    @TempDir
    Path tmp;

    @BeforeAll
    static void insert() {
        simulator = new SmartCardHsmSimulator();
        card = SmartCardHsmFixture.insert(0, simulator);
    }

    @AfterAll
    static void remove() {
        card.close();
    }

    CliRun.Result hsmkit(String... args) {
        List<String> all = new ArrayList<>(List.of("--module", card.module().toString(), "-t",
                "pkcs11:token=" + card.tokenLabel(), "--pin-file", card.pinFile().toString()));
        all.addAll(List.of(args));
        return CliRun.in(tmp).run(all.toArray(String[]::new));
    }

    /** What a later hsmkit process sees: OpenSC reads the card again after it was out of the reader. */
    static void reinsert() {
        PcscTestService.shared().remove(0);
        PcscTestService.shared().insert(0, simulator);
    }

    private Path certificate(PublicKey key, String name) throws Exception {
        X509Certificate c = TestPki.standard().issueUser(name, new KeyPair(key, null), name.replace(' ', '.') + "@hsmkit.test",
                KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement,
                new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection}, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30))).certificate();
        Path file = tmp.resolve(name.replace(' ', '-') + ".crt");
        Files.writeString(file, TestPki.pem(List.of(c)));
        return file;
    }

    /** The public key as hsmkit exports it and openssl reads it. */
    private PublicKey exported(String key) throws Exception {
        hsmkit("key", "export", "--key", key, "-o", key + ".pub.pem").assertOk();
        return new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter().setProvider(org.hsmkit.testdata.schsm.CvcSignatures.PROVIDER)
                .getPublicKey(KeyCeremonyChecks.opensslReadsPublicKey(tmp, tmp.resolve(key + ".pub.pem")));
    }

    /**
     * A certificate the nearly full card has no room for. OpenSC's module removes the key's old
     * certificate file, then leaves the new one half written when the card answers 6A84, so the
     * old one no longer fits either: the import fails and says which certificate the key lost and
     * how to get it back. (hsmkit's own driver puts the old one back: CardFullCliTest.)
     */
    @Test
    void aCertificateTheFullCardCannotHoldSaysWhatTheKeyLost() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "roomless", "--id", "3c").assertOk();
        PublicKey key = exported("roomless");
        hsmkit("key", "import-cert", "--key", "roomless", certificate(key, "Room Less").toString()).assertOk();
        Path longer = certificate(key, "Room Less With A Much Longer Name In The Examples Department");
        reinsert();
        simulator.limitFileBytes(simulator.fileBytes());
        try {
            CliRun.Result r = hsmkit("key", "import-cert", "--key", "roomless", longer.toString());
            assertEquals(3, r.exitCode(), r.stderr());
            assertTrue(r.stderr().contains("; the key's previous certificate (CN=Room Less,"), r.stderr());
            assertTrue(r.stderr().contains("was removed first and could not be put back"), r.stderr());
            assertTrue(r.stderr().contains("hsmkit: hint: free space on the token"), r.stderr());
            // a data object that does not fit: OpenSC's CKR_GENERAL_ERROR is explained
            Files.write(tmp.resolve("big.bin"), new byte[2000]);
            CliRun.Result data = hsmkit("data", "write", "--label", "big", "big.bin");
            assertEquals(3, data.exitCode(), data.stderr());
            assertTrue(data.stderr().contains("hsmkit: hint: a SmartCard-HSM answers so when its memory is full"), data.stderr());
        } finally {
            simulator.limitFileBytes(Integer.MAX_VALUE);
        }
        reinsert();
        hsmkit("key", "delete", "--key", "roomless", "--yes").assertOk();
    }

    /**
     * `key self-cert` through OpenSC's module: the certificate lands beside the key (pkcs11-tool
     * lists it), signatures verify under it, and `--replace` puts a second one in its place, which
     * OpenSC writes by deleting the old file first.
     */
    @Test
    void aSelfSignedCertificateThroughOpenscsModule() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "self", "--id", "3d").assertOk();
        hsmkit("key", "self-cert", "--key", "self", "--subject", "CN=Self Signed", "-o", "self.pem").assertOk();
        String objects = card.pkcs11Tool("--list-objects", "--type", "cert").requireSuccess().stdoutText();
        assertTrue(objects.contains("subject:    DN: CN=Self Signed"), "pkcs11-tool sees it: " + objects);
        Files.writeString(tmp.resolve("doc.txt"), "signed under a self-signed certificate\n");
        hsmkit("sign", "--key", "self", "doc.txt").assertOk();
        CliRun.in(tmp).run("verify", "--trust", "self.pem", "doc.txt.p7s").assertOk();
        assertEquals(ExitCode.USAGE, hsmkit("key", "self-cert", "--key", "self", "--subject", "CN=Again").exitCode());
        reinsert();
        hsmkit("key", "self-cert", "--key", "self", "--subject", "CN=Self Signed Again", "--replace", "-o", "again.pem").assertOk();
        reinsert();
        String list = hsmkit("key", "list").assertOk().stdout();
        assertTrue(list.lines().anyMatch(l -> l.matches("3d +self +ec:P-256 +CN=Self Signed Again")), list);
        hsmkit("key", "delete", "--key", "self", "--yes").assertOk();
    }

    @Test
    void theCeremonyThroughOpenscsModule() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail", "--id", "01").assertOk();
        hsmkit("key", "generate", "--type", "rsa:2048", "--label", "files", "--id", "02").assertOk();
        String list = hsmkit("key", "list").assertOk().stdout();
        assertTrue(list.lines().anyMatch(l -> l.matches("01 +mail +ec:P-256 +no certificate")), list);
        assertTrue(list.lines().anyMatch(l -> l.matches("02 +files +rsa:2048 +no certificate")), list);

        hsmkit("key", "csr", "--key", "mail", "--subject", "CN=Alice,O=Example", "--san", "email:alice@example.org",
                "-o", "alice.csr").assertOk();
        assertTrue(KeyCeremonyChecks.opensslVerifiesCsr(tmp, tmp.resolve("alice.csr")).contains("email:alice@example.org"));
        Path alice = certificate(exported("mail"), "Alice Mail");
        Path files = certificate(exported("files"), "Alice Files");
        hsmkit("key", "import-cert", "--key", "mail", alice.toString()).assertOk();
        // as CAs deliver it: the certificate and its CAs in one file; without --key, the end entity's key takes it
        Path filesChain = Files.writeString(tmp.resolve("files-chain.pem"), Files.readString(files)
                + TestPki.pem(List.of(TestPki.standard().intermediate().certificate(), TestPki.standard().root().certificate())));
        CliRun.Result imported = hsmkit("key", "import-cert", filesChain.toString()).assertOk();
        assertTrue(imported.stderr().contains("hsmkit: stored the certificate CN=Alice Files,E=Alice.Files@hsmkit.test,O=hsmkit tests,C=DE"
                + " with rsa:2048 key 'files' (id 02); signatures carry its CA certificates "), imported.stderr());
        String certified = hsmkit("key", "list").assertOk().stdout();
        assertTrue(certified.contains("CN=Alice Mail") && certified.contains("CN=Alice Files"), certified);
        // OpenSC described each CA certificate in a C8xx file beside its CAxx file, in the encoding hsmkit's driver writes
        List<Integer> descriptions = simulator.fileIds().stream().filter(f -> f >>> 8 == Pkcs15Files.CD_PREFIX).sorted().toList();
        assertEquals(2, descriptions.size(), simulator.fileIds().toString());
        for (int fid : descriptions) {
            byte[] written = simulator.file(fid).orElseThrow();
            Pkcs15Files.Certificate d = Pkcs15Files.Certificate.parse(written);
            assertEquals((Pkcs15Files.CA_CERT_PREFIX << 8) | (fid & 0xFF), d.certificateFile());
            assertTrue(simulator.file(d.certificateFile()).isPresent());
            assertArrayEquals(written, d.encode());
        }

        Path plain = Files.writeString(tmp.resolve("report.txt"), "quarterly figures, 2 recipients", StandardCharsets.UTF_8);
        CliRun.Result encrypted = hsmkit("encrypt", "-r", alice.toString(), "-r", filesChain.toString(), "-o", "report.p7m", plain.toString())
                .assertOk();
        assertTrue(encrypted.stderr().contains("hsmkit: " + filesChain + ": 2 CA certificates of the chain left out; the recipient is"
                + " CN=Alice Files,"), encrypted.stderr());
        assertTrue(encrypted.stderr().contains(" for 2 recipients "), encrypted.stderr());
        for (String key : new String[] {"mail", "files"}) { // ECDH on the card, then RSA-OAEP on the card
            Path out = tmp.resolve("back-" + key + ".txt");
            CliRun.Result r = hsmkit("decrypt", "--key", key, "-o", out.toString(), "report.p7m").assertOk();
            assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(out));
            // the key by its label: its whole PKCS#11 URI is over 200 characters on this card
            assertTrue(r.stderr().contains(") with key '" + key + "' into " + out), r.stderr());
        }

        hsmkit("sign", "--key", "mail", "-o", "report.p7s", plain.toString()).assertOk();
        Path roots = tmp.resolve("root.pem");
        Files.writeString(roots, TestPki.pem(List.of(TestPki.standard().root().certificate())));
        hsmkit("verify", "--trust", roots.toString(), "--trust", ca(), "--content", plain.toString(), "report.p7s").assertOk();
        Path chain = tmp.resolve("chain.pem");
        Files.writeString(chain, TestPki.pem(List.of(TestPki.standard().intermediate().certificate(),
                TestPki.standard().root().certificate())));
        ExternalTool.run(tmp, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "report.p7s", "-content",
                plain.toString(), "-CAfile", chain.toString(), "-out", "/dev/null").requireSuccess();

        // hsmkit's own driver finds the CA certificates OpenSC stored (CAxx files) and signatures carry them
        CliRun.Result viaCard = CliRun.in(tmp).run("-t", "card:" + PcscTestService.shared().readerName(0), "--pin-file",
                card.pinFile().toString(), "sign", "--key", "files", "-o", "card.p7s", plain.toString()).assertOk();
        assertFalse(viaCard.stderr().contains("warning"), viaCard.stderr());
        ExternalTool.run(tmp, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "card.p7s", "-content",
                plain.toString(), "-CAfile", roots.toString(), "-purpose", "any", "-out", "/dev/null").requireSuccess();

        // a later command deletes the certified keys (issue 9: OpenSC drops the public key with the certificate)
        reinsert();
        hsmkit("key", "delete", "--key", "mail", "--yes").assertOk();
        hsmkit("key", "delete", "--key", "files", "--yes").assertOk();
        String after = hsmkit("key", "list").stdout();
        assertFalse(after.contains("mail") || after.contains("files"), after);
        // nothing of the two keys is left; the CA certificates the chain import put beside them stay
        String objects = card.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--list-objects")
                .requireSuccess().stdoutText();
        assertEquals(0, objects.lines().filter(l -> l.strip().equals("ID:         01") || l.strip().equals("ID:         02")).count(),
                objects);
        assertEquals(2, objects.lines().filter(l -> l.startsWith("Certificate Object")).count(), objects);
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail", "--id", "01").assertOk();
        hsmkit("key", "delete", "--key", "mail", "--yes").assertOk();
    }

    /**
     * OpenPGP with the card's keys through OpenSC: the creation time hsmkit keeps as a data object
     * on the card survives the card being taken out (the same fingerprint again), gpg encrypts to
     * both certificates and the card decrypts (ECDH and RSA), gpg verifies what the card signs, and
     * a message signed inside its encryption by one card key is checked on decryption by the other.
     */
    @Test
    void openPgpWithTheCardsKeysThroughOpenscsModule() throws Exception {
        ExternalTool.require("gpg", "gpg");
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "pgp-ec", "--id", "0a").assertOk();
        hsmkit("key", "generate", "--type", "rsa:2048", "--label", "pgp-rsa", "--id", "0b").assertOk();
        CliRun.Result ec = hsmkit("pgp", "export", "--key", "pgp-ec", "--encryption-key", "pgp-ec", "--user-id", "Card EC <ec@example.org>",
                "-o", "ec.asc").assertOk();
        hsmkit("pgp", "export", "--key", "pgp-rsa", "--encryption-key", "pgp-rsa", "--user-id", "Card RSA <rsa@example.org>",
                "-o", "rsa.asc").assertOk();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("certificate ([0-9A-F]{40})").matcher(ec.stderr());
        assertTrue(m.find(), ec.stderr());
        reinsert();
        CliRun.Result again = hsmkit("pgp", "export", "--key", "pgp-ec", "--encryption-key", "pgp-ec", "--user-id", "Card EC <ec@example.org>",
                "-o", "-").assertOk();
        assertTrue(again.stderr().contains("certificate " + m.group(1)), again.stderr());

        Path plain = Files.writeString(tmp.resolve("minutes.txt"), "minutes of the board meeting\n", StandardCharsets.UTF_8);
        Path home = Files.createTempDirectory(Path.of("/tmp"), "gpg");
        java.util.Map<String, String> env = java.util.Map.of("GNUPGHOME", home.toString());
        try {
            ExternalTool.run(tmp, null, env, List.of("gpg", "--batch", "--import", "ec.asc", "rsa.asc")).requireSuccess();
            for (String who : List.of("ec@example.org", "rsa@example.org")) {
                ExternalTool.run(tmp, null, env, List.of("gpg", "--batch", "--trust-model", "always", "-r", who, "-o", who + ".gpg",
                        "--encrypt", "minutes.txt")).requireSuccess();
                hsmkit("pgp", "decrypt", "-o", who + ".out", who + ".gpg").assertOk();
                assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(tmp.resolve(who + ".out")));
            }
            hsmkit("pgp", "sign", "--key", "pgp-rsa", "-b", "-o", "minutes.sig", "minutes.txt").assertOk();
            String status = ExternalTool.run(tmp, null, env, List.of("gpg", "--batch", "--status-fd", "1", "--verify", "minutes.sig",
                    "minutes.txt")).requireSuccess().stdoutText();
            assertTrue(status.contains("[GNUPG:] VALIDSIG "), status);
            // a revocation certificate signed on the card: gpg takes it as the certificate's revocation
            hsmkit("pgp", "revoke", "--key", "pgp-rsa", "--reason", "retired", "-o", "rsa-revoke.asc").assertOk();
            ExternalTool.run(tmp, null, env, List.of("gpg", "--batch", "--import", "rsa-revoke.asc")).requireSuccess();
            String listed = ExternalTool.run(tmp, null, env, List.of("gpg", "--batch", "--with-colons", "--list-keys", "rsa@example.org"))
                    .requireSuccess().stdoutText();
            assertTrue(listed.lines().anyMatch(l -> l.startsWith("pub:r:")), listed);
        } finally {
            ExternalTool.run(tmp, null, env, List.of("gpgconf", "--kill", "all"));
            ExternalTool.run(tmp, "rm", "-rf", home.toString());
        }
        hsmkit("pgp", "encrypt", "-r", "rsa.asc", "--sign-with", "pgp-ec", "-o", "signed.gpg", "minutes.txt").assertOk();
        CliRun.Result checked = hsmkit("pgp", "decrypt", "--keyring", "ec.asc", "-o", "signed.out", "signed.gpg").assertOk();
        assertTrue(checked.stderr().contains("good signature from \"Card EC <ec@example.org>\""), checked.stderr());
        assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(tmp.resolve("signed.out")));

        // the creation-time records are read through OpenSC before the key goes, and named with their removal
        CliRun.Result deleted = hsmkit("key", "delete", "--key", "pgp-ec", "--yes").assertOk();
        java.util.regex.Matcher record = java.util.regex.Pattern.compile("data delete --label (openpgp-created-[0-9a-f]{16})")
                .matcher(deleted.stderr());
        assertTrue(record.find(), deleted.stderr());
        hsmkit("data", "delete", "--label", record.group(1), "--yes").assertOk();
        assertFalse(hsmkit("data", "list").assertOk().stdout().contains(record.group(1)));
        hsmkit("key", "delete", "--key", "pgp-rsa", "--yes").assertOk();
    }

    private String ca() throws Exception {
        Path p = tmp.resolve("intermediate.pem");
        Files.writeString(p, TestPki.pem(List.of(TestPki.standard().intermediate().certificate())));
        return p.toString();
    }

    /**
     * A key pkcs11-tool made, whose certificate stays in a file (the card keeps none, or a
     * read-only module cannot store one): {@code sign}, {@code smime sign} and {@code pdf sign}
     * take it with {@code --cert}, and openssl and pdfsig accept what they write. Without it the
     * error says where to give it; another key's certificate is refused before the PIN is used for
     * anything, and nothing is written.
     */
    @Test
    void aKeyWhoseCertificateIsInAFileSignsWithCertThroughOpenscsModule() throws Exception {
        card.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--keypairgen", "--key-type", "EC:prime256v1",
                "--id", "67", "--label", "outside").requireSuccess();
        int ref = simulator.keyReferences().stream().max(Integer::compare).orElseThrow();
        reinsert();
        try {
            Path crt = certificate(simulator.publicKey(ref).orElseThrow(), "Cert Outside");
            TestPki.standard().writeTo(tmp.resolve("pki"));
            Files.writeString(tmp.resolve("a.txt"), "signed with a certificate from a file\n");
            Files.writeString(tmp.resolve("m.eml"), "From: Cert.Outside@hsmkit.test\r\nTo: bob@hsmkit.test\r\nSubject: s\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nsigned\r\n");

            CliRun.Result none = hsmkit("sign", "--key", "outside", "-o", "none.p7s", "a.txt").assertExit(ExitCode.KEY);
            assertEquals("hsmkit: error: the key 'outside' has no certificate", none.errorLine());
            assertTrue(none.hintLine().contains("--cert CERTFILE"), none.hintLine());
            assertFalse(Files.exists(tmp.resolve("none.p7s")));

            hsmkit("sign", "--key", "outside", "--cert", crt.toString(), "--chain", "pki/intermediate.pem", "-o", "a.p7s", "a.txt")
                    .assertOk();
            ExternalTool.run(tmp, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "a.p7s", "-content", "a.txt",
                    "-CAfile", "pki/root.pem", "-purpose", "any", "-out", "/dev/null").requireSuccess();

            hsmkit("smime", "sign", "--key", "outside", "--cert", crt.toString(), "--chain", "pki/intermediate.pem",
                    "-o", "signed.eml", "m.eml").assertOk();
            ExternalTool.run(tmp, "openssl", "cms", "-verify", "-in", "signed.eml", "-CAfile", "pki/root.pem", "-purpose", "any",
                    "-out", "/dev/null").requireSuccess();

            hsmkit("pdf", "sign", "--key", "outside", "--cert", crt.toString(), "--chain", "pki/intermediate.pem", "-o", "a.pdf",
                    PdfCommandTest.corpus("pdfbox-sign_me.pdf").toString()).assertOk();
            ExternalTool.require("pdfsig", "poppler-utils");
            String pdfsig = ExternalTool.run(tmp, "pdfsig", "a.pdf").stdoutText();
            assertTrue(pdfsig.contains("Signature Validation: Signature is Valid."), pdfsig);
            hsmkit("pdf", "verify", "--trust", "pki/root.pem", "a.pdf").assertOk();

            for (String[] command : List.of(new String[] {"sign", "-o", "x.p7s", "a.txt"}, new String[] {"smime", "sign", "-o", "x.eml", "m.eml"},
                    new String[] {"pdf", "sign", "-o", "x.pdf", PdfCommandTest.corpus("pdfbox-sign_me.pdf").toString()})) {
                List<String> args = new ArrayList<>(List.of(command));
                args.addAll(List.of("--key", "outside", "--cert", "pki/alice-rsa2048.pem"));
                CliRun.Result wrong = hsmkit(args.toArray(String[]::new)).assertExit(ExitCode.KEY);
                assertTrue(wrong.errorLine().startsWith("hsmkit: error: the certificate CN=Alice")
                        && wrong.errorLine().endsWith(" is not the certificate of key 'outside' (it holds another public key)"), wrong.stderr());
                assertEquals("", wrong.stdout());
            }
            for (String x : List.of("x.p7s", "x.eml", "x.pdf")) {
                assertFalse(Files.exists(tmp.resolve(x)), x);
            }
            CliRun.Result noKey = hsmkit("smime", "sign", "--cert", crt.toString(), "-o", "x.eml", "m.eml").assertExit(ExitCode.USAGE);
            assertEquals("hsmkit: error: --cert needs --key", noKey.errorLine());
        } finally {
            card.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--delete-object", "--type", "privkey",
                    "--id", "67").requireSuccess();
        }
    }

    /**
     * A key made for signing only (pkcs11-tool's --usage-sign) asked for ECDH: OpenSC's module
     * answers CKR_KEY_TYPE_INCONSISTENT where SoftHSM2 answers CKR_KEY_FUNCTION_NOT_PERMITTED
     * (TokenErrorsSoftHsmTest); either way the error names the attribute to fix and nothing is written.
     */
    @Test
    void aKeyWithoutTheUsageForEcdhNamesTheAttributeThroughOpenscsModule() throws Exception {
        card.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--keypairgen", "--key-type", "EC:prime256v1",
                "--id", "66", "--label", "sign-only", "--usage-sign").requireSuccess();
        int ref = simulator.keyReferences().stream().max(Integer::compare).orElseThrow();
        reinsert(); // OpenSC in the next process reads the card afresh, with the key pkcs11-tool made
        try {
            Path crt = certificate(simulator.publicKey(ref).orElseThrow(), "Sign Only");
            Files.writeString(tmp.resolve("a.txt"), "for the key that may only sign");
            hsmkit("encrypt", "-r", crt.toString(), "a.txt").assertOk();
            CliRun.Result r = hsmkit("decrypt", "--key", "sign-only", "--cert", crt.toString(), "-o", "a.out", "a.txt.p7m")
                    .assertExit(ExitCode.KEY);
            assertEquals("hsmkit: error: ECDH with the key 'sign-only' failed: the token '" + card.tokenLabel()
                    + "' does not permit this use of the key (CKR_KEY_TYPE_INCONSISTENT)", r.errorLine());
            assertEquals("hsmkit: hint: the key's CKA_DERIVE attribute is false, and most tokens do not let it change: use a key "
                    + "made by 'hsmkit key generate' or imported with 'hsmkit key import'", r.hintLine());
            assertEquals("", r.stdout());
            assertFalse(Files.exists(tmp.resolve("a.out")), "no output after the failure");
        } finally {
            card.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--delete-object", "--type", "privkey",
                    "--id", "66").requireSuccess();
        }
        assertFalse(simulator.keyReferences().contains(ref));
    }

    /**
     * A batch decryption of six files for a new card key {@code label}, with --jobs 1. The input
     * at {@code gate} is a named pipe: when the batch opens it, {@code atGate} runs, and only then
     * does the pipe deliver that file. Returns the arguments and the pipe's writer.
     */
    private record GatedBatch(List<String> args, java.util.concurrent.CompletableFuture<Void> writer, Path cert, Path gate) {
        /**
         * Waits for the gated input to have been read; false when the batch stopped before it and
         * never opened the pipe (the writer is then released, so no thread waits for ever).
         */
        boolean reached() throws Exception {
            try {
                // a batch that read the gate has let the writer finish, up to its last moments
                writer.get(10, java.util.concurrent.TimeUnit.SECONDS);
                return true;
            } catch (java.util.concurrent.TimeoutException e) {
                try (java.io.InputStream release = Files.newInputStream(gate)) {
                    release.readAllBytes();
                }
                writer.handle((v, x) -> null).get(30, java.util.concurrent.TimeUnit.SECONDS);
                return false;
            }
        }

        /** {@link #reached}, or a failure that shows what the batch said. */
        void awaitGate(CliRun.Result batch) throws Exception {
            if (!reached()) {
                throw new AssertionError("the batch stopped before it reached the gated input " + gate.getFileName()
                        + " (exit code " + batch.exitCode() + "):\n" + batch.stderr());
            }
        }
    }

    private GatedBatch gatedBatch(String label, String id, String prefix, int gate, Runnable atGate) throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", label, "--id", id).assertOk();
        Path crt = certificate(exported(label), label + " key");
        List<String> args = new ArrayList<>(List.of("decrypt", "--key", label, "--cert", crt.toString(), "--jobs", "1",
                "--output-dir", "plain-" + prefix));
        for (int i = 0; i < 6; i++) {
            Files.writeString(tmp.resolve(prefix + i + ".txt"), "file " + i);
            hsmkit("encrypt", "-r", crt.toString(), prefix + i + ".txt").assertOk();
            args.add((i == gate ? prefix + "gate" : prefix + i) + ".txt.p7m");
        }
        Path pipe = tmp.resolve(prefix + "gate.txt.p7m");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        byte[] content = Files.readAllBytes(tmp.resolve(prefix + gate + ".txt.p7m"));
        java.util.concurrent.CompletableFuture<Void> writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try (java.io.OutputStream w = Files.newOutputStream(pipe)) { // opens when the batch reaches the gate
                atGate.run();
                w.write(content);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return new GatedBatch(args, writer, crt, pipe);
    }

    private static List<String> errorLines(CliRun.Result r) {
        return r.stderr().lines().filter(l -> l.startsWith("hsmkit: error: ")).toList();
    }

    /**
     * The card taken out of the reader between two files of a batch decryption through OpenSC's
     * module: hsmkit initialises the module again once, finds the card still gone, and stops the
     * batch there rather than failing every remaining file in turn.
     */
    @Test
    void aCardTakenOutDuringABatchStopsItThroughOpenscsModule() throws Exception {
        reinsert();
        GatedBatch b = gatedBatch("batch", "07", "f", 2, () -> PcscTestService.shared().remove(0));
        try {
            CliRun.Result r = hsmkit(b.args().toArray(String[]::new));
            b.awaitGate(r);
            r.assertExit(ExitCode.KEY);
            assertEquals(1, errorLines(r).size(), r.stderr());
            assertTrue(r.stderr().contains("hsmkit: error: fgate.txt.p7m: "), r.stderr());
            assertTrue(r.stderr().contains("hsmkit: decrypted 2 of 6 files; 1 failed; 3 not tried (the token or key failed, not the file)"),
                    r.stderr());
            assertTrue(Files.exists(tmp.resolve("plain-f/f1.txt")));
            assertFalse(Files.exists(tmp.resolve("plain-f/fgate.txt")));
        } finally {
            reinsert();
            hsmkit("key", "delete", "--key", "batch", "--yes").assertOk();
        }
    }

    /**
     * The card pulled in the middle of a command: OpenSC's module answers CKR_GENERAL_ERROR, which
     * says nothing of the card, so that file fails as any general error would; once pcscd has seen
     * the reader empty (the gate is opened only then), the module reports the card gone and the
     * batch stops. When pcscd notices the pull itself before the next file (a matter of its
     * polling), the module reports the card gone at once: the batch stops there, before the gate.
     */
    @Test
    void aCardPulledInTheMiddleOfACommandStopsTheBatchOnceTheReaderIsSeenEmpty() throws Exception {
        reinsert();
        // the card is out already when the gate opens: remove() waits until pcscd reports the reader empty
        GatedBatch b = gatedBatch("pulled", "08", "p", 3, () -> PcscTestService.shared().remove(0));
        int before = simulator.apduCount();
        hsmkit("decrypt", "--key", "pulled", "--cert", b.cert().toString(), "-o", "one.txt", "p0.txt.p7m").assertOk();
        int one = simulator.apduCount() - before;
        try {
            simulator.pullAtApdu(one + 2);
            CliRun.Result r = hsmkit(b.args().toArray(String[]::new));
            boolean reached = b.reached();
            assertEquals(ExitCode.KEY, r.exitCode(), r.stderr());
            List<String> errors = errorLines(r);
            assertFalse(Files.exists(tmp.resolve("plain-p/pgate.txt")));
            if (!reached) {
                // pcscd saw the pull first: the first file after it finds the card gone, and nothing more is tried
                assertEquals(1, errors.size(), r.stderr());
                assertTrue(errors.get(0).contains("is no longer present"), r.stderr());
                String failed = errors.get(0).substring("hsmkit: error: ".length(), errors.get(0).indexOf(".p7m: "));
                assertFalse(Files.exists(tmp.resolve("plain-p").resolve(failed)), failed);
                assertTrue(r.stderr().contains(" not tried (the token or key failed, not the file)"), r.stderr());
                return;
            }
            assertEquals(2, errors.size(), r.stderr());
            assertTrue(errors.get(0).endsWith("failed on the token '" + card.tokenLabel() + "': CKR_GENERAL_ERROR"), r.stderr());
            assertTrue(errors.get(1).startsWith("hsmkit: error: pgate.txt.p7m: the token '" + card.tokenLabel() + "'")
                    && errors.get(1).contains("is no longer present"), r.stderr());
            assertTrue(r.stderr().contains("; 2 failed; 2 not tried (the token or key failed, not the file)"), r.stderr());
        } finally {
            reinsert();
            hsmkit("key", "delete", "--key", "pulled", "--yes").assertOk();
        }
    }

    @Test
    void aKeyWithoutPublicKeyIsListedAndDeleted() throws Exception {
        String pin = SmartCardHsmSimulator.DEFAULT_USER_PIN;
        card.pkcs11Tool("--login", "--pin", pin, "--keypairgen", "--key-type", "EC:prime256v1", "--id", "61", "--label",
                "orphan").requireSuccess();
        int ref = simulator.keyReferences().stream().max(Integer::compare).orElseThrow();
        Path crt = certificate(simulator.publicKey(ref).orElseThrow(), "Orphan");
        Path der = tmp.resolve("orphan.der");
        ExternalTool.run(tmp, "openssl", "x509", "-in", crt.toString(), "-outform", "DER", "-out", der.toString()).requireSuccess();
        card.pkcs11Tool("--login", "--pin", pin, "--write-object", der.toString(), "--type", "cert", "--id", "61",
                "--label", "orphan").requireSuccess();
        card.pkcs11Tool("--login", "--pin", pin, "--delete-object", "--type", "cert", "--id", "61").requireSuccess();
        reinsert();

        String list = hsmkit("key", "list").assertOk().stdout();
        assertTrue(list.lines().anyMatch(l -> l.matches("61 +orphan +unknown +no certificate, public key unknown")), list);
        hsmkit("sign", "--key", "orphan", "-o", "x.p7s", crt.toString()).assertExit(ExitCode.KEY);
        assertFalse(Files.exists(tmp.resolve("x.p7s")));
        CliRun.Result export = hsmkit("key", "export", "--key", "orphan", "-o", "orphan.pem").assertExit(ExitCode.KEY);
        assertTrue(export.errorLine().contains("is unknown"), export.stderr());
        assertFalse(Files.exists(tmp.resolve("orphan.pem")));
        CliRun.Result cert = hsmkit("key", "import-cert", "--key", "orphan", crt.toString()).assertExit(ExitCode.KEY);
        assertTrue(cert.hintLine().contains("pkcs11-tool --write-object"), cert.stderr());
        hsmkit("key", "delete", "--key", "orphan", "--yes").assertOk();
        assertFalse(hsmkit("key", "list").stdout().contains("orphan"));
        assertFalse(simulator.keyReferences().contains(ref));
    }
}
