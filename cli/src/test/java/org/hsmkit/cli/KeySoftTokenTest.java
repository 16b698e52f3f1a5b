package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The key ceremony on the software token ({@code -t soft:FILE}): for every key type generate, list,
 * CSR (checked by openssl), export as PEM (openssl) and SSH (ssh-keygen); certificate import,
 * PKCS#12 import, delete; and the refusals, each leaving the token and the target files as they were.
 */
class KeySoftTokenTest {
    static final String PIN_VAR = "HSMKIT_TEST_PASSPHRASE";
    static final String PASSPHRASE = "soft token passphrase";

    @TempDir
    Path tmp;
    Path tokenFile;
    CliRun cli;

    @BeforeEach
    void setUp() {
        tokenFile = tmp.resolve("t.p12");
        cli = CliRun.in(tmp).withEnv(PIN_VAR, PASSPHRASE);
    }

    /** Runs hsmkit on this test's soft token with the passphrase from the environment. */
    CliRun.Result hsmkit(String... args) {
        return on(cli, args);
    }

    CliRun.Result on(CliRun runner, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "-t";
        all[1] = "soft:" + tokenFile;
        all[2] = "--pin-env";
        all[3] = PIN_VAR;
        System.arraycopy(args, 0, all, 4, args.length);
        return runner.run(all);
    }

    List<TokenKey> keysOnToken() {
        try (Token t = TokenSpec.parse("soft:" + tokenFile).open(TokenOptions.withPins(PinSource.of(PASSPHRASE.toCharArray())))) {
            return t.keys();
        }
    }

    /** One type of each family here (the soft token's PBKDF2 makes each run slow); all types run on SoftHSM2. */
    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"RSA_2048", "EC_P256", "EC_P521", "EC_BRAINPOOL_P384R1"})
    void ceremonyForEachKeyFamily(KeyType type) throws Exception {
        String label = "ceremony " + type.spec();
        CliRun.Result gen = hsmkit("key", "generate", "--type", type.spec(), "--label", label, "--id", "0A1b").assertOk();
        assertEquals(label, gen.stdout().strip(), "generate prints the reference to pass to --key");
        assertTrue(gen.stderr().contains("generated " + type.spec() + " key '" + label + "' (id 0a1b)"), gen.stderr());
        TokenKey onToken = keysOnToken().get(0);
        assertArrayEquals(new byte[] {0x0a, 0x1b}, onToken.id());

        CliRun.Result list = hsmkit("key", "list").assertOk();
        assertEquals(List.of("ID    LABEL" + " ".repeat(label.length() - 3) + "TYPE" + " ".repeat(type.spec().length() - 2)
                + "CERTIFICATE", "0a1b  " + label + "  " + type.spec() + "  no certificate"), list.stdout().lines().toList());

        hsmkit("key", "csr", "--key", label, "--subject", "CN=Ceremony,O=hsmkit tests,C=DE",
                "--san", "email:ceremony@hsmkit.test,dns:ceremony.hsmkit.test", "-o", "req.csr").assertOk();
        String csrText = KeyCeremonyChecks.opensslVerifiesCsr(tmp, tmp.resolve("req.csr"));
        assertTrue(csrText.contains("CN = Ceremony") || csrText.contains("CN=Ceremony"), csrText);
        assertTrue(csrText.contains("email:ceremony@hsmkit.test") && csrText.contains("DNS:ceremony.hsmkit.test"), csrText);

        hsmkit("key", "export", "--key", label, "-o", "pub.pem").assertOk();
        KeyCeremonyChecks.assertSameKey(onToken.publicKey(), KeyCeremonyChecks.opensslReadsPublicKey(tmp, tmp.resolve("pub.pem")));

        if (type.isRsa() || !type.curveName().get().startsWith("brainpool")) {
            CliRun.Result ssh = hsmkit("key", "export", "--key", label, "--format", "ssh").assertOk();
            Files.writeString(tmp.resolve("key.pub"), ssh.stdout());
            KeyCeremonyChecks.sshKeygenReadsLine(tmp, tmp.resolve("key.pub"), type, label);
        } else {
            CliRun.Result ssh = hsmkit("key", "export", "--key", label, "--format", "ssh", "-o", "key.pub")
                    .assertExit(ExitCode.KEY);
            assertTrue(ssh.errorLine().contains("OpenSSH has no key format for " + type.spec()), ssh.stderr());
            assertTrue(ssh.hintLine().contains("--format pem"), ssh.stderr());
            assertFalse(Files.exists(tmp.resolve("key.pub")), "nothing written on failure");
        }
    }

    /** The certificate half of the ceremony; the key type does not matter to it (every type runs on SoftHSM2). */
    @Test
    void certificateImportExportAndDelete() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-384", "--label", "signer", "--id", "0a1b").assertOk();
        TokenKey onToken = keysOnToken().get(0);
        Path crt = KeyCeremonyChecks.issueCertificate(tmp, onToken.publicKey(), "Ceremony Signer");
        hsmkit("key", "import-cert", "--key", "signer", crt.toString()).assertOk();
        String list = hsmkit("key", "list").assertOk().stdout();
        assertTrue(list.contains("0a1b  signer  ec:P-384  CN=Ceremony Signer,E=Ceremony.Signer@hsmkit.test,O=hsmkit tests,C=DE"), list);
        CliRun.Result cert = hsmkit("key", "export", "--key", "pkcs11:id=%0a%1b", "--format", "cert").assertOk();
        try (PEMParser p = new PEMParser(new StringReader(cert.stdout()))) {
            X509CertificateHolder holder = (X509CertificateHolder) p.readObject();
            assertTrue(holder.getSubject().toString().startsWith("CN=Ceremony Signer"), holder.getSubject().toString());
        }

        hsmkit("key", "delete", "--key", "signer", "--yes").assertOk();
        assertEquals(List.of(), keysOnToken());
    }

    @Test
    void newSoftTokenPassphraseIsAskedTwiceOnTheTerminal() {
        String[] args = {"-t", "soft:" + tokenFile, "key", "generate", "--type", "ec:P-256", "--label", "k"};
        CliRun.Result differ = CliRun.in(tmp).withTerminal("first", "second").run(args).assertExit(ExitCode.KEY);
        assertTrue(differ.errorLine().contains("the two entries differ"), differ.stderr());
        assertFalse(Files.exists(tokenFile), "no token file without a confirmed passphrase");

        CliRun.Result made = CliRun.in(tmp).withTerminal(PASSPHRASE, PASSPHRASE).run(args).assertOk();
        assertTrue(made.stderr().contains("hsmkit: created the soft token " + tokenFile), made.stderr());
        assertEquals(2, made.prompts().size());
        assertTrue(made.prompts().get(0).startsWith("New passphrase for the soft token"), made.prompts().toString());
        assertTrue(made.prompts().get(1).startsWith("New passphrase for the soft token") && made.prompts().get(1).endsWith(" (again): "),
                made.prompts().toString());
        assertEquals(List.of("k"), keysOnToken().stream().map(TokenKey::label).toList());
    }

    @Test
    void duplicateIdIsRefusedAndNothingIsCreated() {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "first", "--id", "01").assertOk();
        CliRun.Result r = hsmkit("key", "generate", "--type", "ec:P-384", "--label", "second", "--id", "01")
                .assertExit(ExitCode.KEY);
        assertEquals("hsmkit: error: the token already holds a key with id 01 (label 'first')", r.errorLine());
        assertTrue(r.hintLine().contains("choose another --id"), r.stderr());
        assertEquals("", r.stdout());
        assertEquals(List.of("first"), keysOnToken().stream().map(TokenKey::label).toList());
    }

    @Test
    void unknownKeyListsTheKeysThere() {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail", "--id", "01").assertOk();
        hsmkit("key", "generate", "--type", "rsa:2048", "--label", "ssh", "--id", "02").assertOk();
        CliRun.Result r = hsmkit("key", "export", "--key", "nosuch", "-o", "out.pem").assertExit(ExitCode.KEY);
        assertTrue(r.errorLine().contains("no key 'nosuch'"), r.stderr());
        assertTrue(r.errorLine().contains("'mail' (id 01)") && r.errorLine().contains("'ssh' (id 02)"), r.stderr());
        assertEquals("hsmkit: hint: list the keys with: hsmkit key list", r.hintLine());
        assertFalse(Files.exists(tmp.resolve("out.pem")));
    }

    @Test
    void keyListIsSortedById() {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "b", "--id", "02").assertOk();
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "a", "--id", "10").assertOk();
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "c", "--id", "01").assertOk();
        List<String> ids = hsmkit("key", "list").assertOk().stdout().lines().skip(1).map(l -> l.split(" ")[0]).toList();
        assertEquals(List.of("01", "02", "10"), ids);
        CliRun.Result dup = hsmkit("key", "generate", "--type", "ec:P-256", "--label", "d", "--id", "01").assertExit(ExitCode.KEY);
        assertTrue(dup.hintLine().endsWith("'hsmkit key delete --key pkcs11:id=%01'"), dup.stderr());
    }

    @Test
    void wrongPassphraseIsAKeyProblemAndSaysSo() {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail").assertOk();
        CliRun.Result r = on(CliRun.in(tmp).withEnv(PIN_VAR, "wrong"), "key", "list").assertExit(ExitCode.KEY);
        assertTrue(r.errorLine().toLowerCase().contains("passphrase"), r.stderr());
        assertFalse(r.stderr().contains("wrong\n") || r.stderr().contains(PASSPHRASE), "no secret in messages");
        assertEquals("", r.stdout());
    }

    @Test
    void certificateForAnotherKeyIsRefusedAndTheTokenIsUnchanged() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail").assertOk();
        Path other = tmp.resolve("bob.pem");
        Files.writeString(other, TestPki.pem(List.of(TestPki.standard().user(TestUser.BOB_P256).certificate())));
        CliRun.Result r = hsmkit("key", "import-cert", "--key", "mail", other.toString()).assertExit(ExitCode.INPUT);
        assertTrue(r.errorLine().contains("is not for the ec:P-256 key 'mail'"), r.stderr());
        assertTrue(r.errorLine().contains("the public keys differ"), r.stderr());

        CliRun.Result missing = hsmkit("key", "import-cert", "--key", "mail", "mail.crt").assertExit(ExitCode.INPUT);
        assertEquals("hsmkit: error: the certificate file " + tmp.resolve("mail.crt") + " does not exist", missing.errorLine());
        assertEquals("hsmkit: hint: check the path", missing.hintLine());
        assertTrue(keysOnToken().get(0).certificate().isEmpty());
    }

    @Test
    void certificateIsPickedFromAChainFileAndReadAsDer() throws Exception {
        hsmkit("key", "generate", "--type", "rsa:2048", "--label", "mail").assertOk();
        TokenKey k = keysOnToken().get(0);
        Path pem = KeyCeremonyChecks.issueCertificate(tmp, k.publicKey(), "Chain User");
        X509Certificate leaf;
        try (var in = Files.newInputStream(pem)) {
            leaf = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Files.write(tmp.resolve("leaf.der"), leaf.getEncoded());
        Files.writeString(tmp.resolve("chain.pem"), TestPki.pem(List.of(TestPki.standard().intermediate().certificate(), leaf)));
        hsmkit("key", "import-cert", "--key", "mail", "chain.pem").assertOk();
        assertEquals(leaf, keysOnToken().get(0).certificate().orElseThrow());
        hsmkit("key", "import-cert", "--key", "mail", "leaf.der").assertOk();
        assertEquals(leaf, keysOnToken().get(0).certificate().orElseThrow());
    }

    /** Without --key: the key whose public key the certificate holds; none or several is an error that says what to do. */
    @Test
    void withoutKeyTheCertificateGoesToTheKeyItIsFor() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail").assertOk();
        hsmkit("key", "generate", "--type", "rsa:2048", "--label", "files").assertOk();
        TokenKey files = keysOnToken().stream().filter(k -> k.label().equals("files")).findFirst().orElseThrow();
        Path leaf = KeyCeremonyChecks.issueCertificate(tmp, files.publicKey(), "Files User");
        Files.writeString(tmp.resolve("files-chain.pem"), Files.readString(leaf)
                + TestPki.pem(List.of(TestPki.standard().intermediate().certificate(), TestPki.standard().root().certificate())));
        CliRun.Result r = hsmkit("key", "import-cert", "files-chain.pem").assertOk();
        assertTrue(r.stderr().contains("hsmkit: stored the certificate CN=Files User") && r.stderr().contains("with rsa:2048 key 'files'"),
                r.stderr());
        // the CAs above it are kept beside it, so that signatures carry them without --chain
        assertTrue(r.stderr().contains("; signatures carry its CA certificates "
                + org.hsmkit.core.NameFormat.format(TestPki.standard().intermediate().certificate().getSubjectX500Principal())
                + ", " + org.hsmkit.core.NameFormat.format(TestPki.standard().root().certificate().getSubjectX500Principal())
                + ", kept on the token too"), r.stderr());
        assertFalse(r.stderr().contains("note:"), r.stderr());
        assertEquals(3, keysOnToken().stream().filter(k -> k.label().equals("files")).findFirst().orElseThrow().certificateChain().size());
        // key info names them, and JSON lists them
        String info = hsmkit("key", "info", "--key", "files").assertOk().stdout();
        assertTrue(info.lines().anyMatch(l -> l.matches("chain: +CN=hsmkit Test Intermediate CA,.*; CN=hsmkit Test Root CA,.*"
                + " \\(signatures carry them\\)")), info);
        String json = hsmkit("--json", "key", "info", "--key", "files").assertOk().stdout();
        assertTrue(json.contains("\"chain\" : [ \"CN=hsmkit Test Intermediate CA,"), json);
        // the issuer written as every name in hsmkit, in the certificate's order (it was RFC 2253's, reversed)
        assertTrue(json.contains("\"certificateIssuer\" : \"CN=hsmkit Test Intermediate CA,O=hsmkit tests,C=DE\""), json);
        assertTrue(info.contains("(issued by CN=hsmkit Test Intermediate CA,O=hsmkit tests,C=DE, until "), info);

        assertTrue(keysOnToken().stream().filter(k -> k.label().equals("mail")).findFirst().orElseThrow().certificate().isEmpty());

        Files.writeString(tmp.resolve("bob.pem"), TestPki.pem(List.of(TestPki.standard().user(TestUser.BOB_P256).certificate())));
        CliRun.Result none = hsmkit("key", "import-cert", "bob.pem").assertExit(ExitCode.KEY);
        assertTrue(none.errorLine().startsWith("hsmkit: error: no key on token '") && none.errorLine().contains(
                "is for the certificate in bob.pem (CN=Bob P-256"), none.stderr());
        assertTrue(none.hintLine().contains("hsmkit key list"), none.stderr());

        TokenKey mail = keysOnToken().stream().filter(k -> k.label().equals("mail")).findFirst().orElseThrow();
        Path mailCert = KeyCeremonyChecks.issueCertificate(tmp, mail.publicKey(), "Mail User");
        Files.writeString(tmp.resolve("both.pem"), Files.readString(mailCert) + Files.readString(leaf));
        CliRun.Result both = hsmkit("key", "import-cert", "both.pem").assertExit(ExitCode.USAGE);
        assertTrue(both.errorLine().matches("hsmkit: error: the certificates in both.pem are for 2 keys on the token: (mail, files|files, mail)"),
                both.stderr());
        assertEquals("hsmkit: hint: name the key with --key", both.hintLine());
        assertTrue(keysOnToken().stream().filter(k -> k.label().equals("mail")).findFirst().orElseThrow().certificate().isEmpty());
    }

    /** '-' reads the certificate from standard input, as a CA's output is piped in; a wrong input is named as such. */
    @Test
    void certificateFromStandardInput() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail").assertOk();
        TokenKey k = keysOnToken().get(0);
        Path pem = KeyCeremonyChecks.issueCertificate(tmp, k.publicKey(), "Piped User");
        on(cli.withStdin(Files.readAllBytes(pem)), "key", "import-cert", "--key", "mail", "-").assertOk();
        assertTrue(keysOnToken().get(0).certificate().orElseThrow().getSubjectX500Principal().getName().contains("Piped User"));

        byte[] bob = TestPki.pem(List.of(TestPki.standard().user(TestUser.BOB_P256).certificate())).getBytes(StandardCharsets.US_ASCII);
        CliRun.Result other = on(cli.withStdin(bob), "key", "import-cert", "--key", "mail", "-").assertExit(ExitCode.INPUT);
        assertTrue(other.errorLine().startsWith("hsmkit: error: the certificate in standard input (CN=Bob"), other.stderr());
        CliRun.Result key = on(cli.withStdin("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII)),
                "key", "import-cert", "--key", "mail", "-").assertExit(ExitCode.INPUT);
        assertEquals("hsmkit: error: standard input holds a private key (PEM 'PRIVATE KEY'), not a certificate", key.errorLine());
        CliRun.Result empty = on(cli, "key", "import-cert", "--key", "mail", "-").assertExit(ExitCode.INPUT);
        assertTrue(empty.errorLine().contains("standard input"), empty.stderr());
    }

    @Test
    void exportOfAKeyWithoutCertificateAsCertSaysHowToGetOne() {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail").assertOk();
        CliRun.Result r = hsmkit("key", "export", "--key", "mail", "--format", "cert").assertExit(ExitCode.KEY);
        assertTrue(r.errorLine().contains("has no certificate"), r.stderr());
        assertTrue(r.hintLine().contains("hsmkit key csr") && r.hintLine().contains("hsmkit key import-cert"), r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void existingOutputIsRefusedUnlessForced() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail").assertOk();
        Path target = tmp.resolve("pub.pem");
        Files.writeString(target, "keep me");
        CliRun.Result r = hsmkit("key", "export", "--key", "mail", "-o", "pub.pem").assertExit(ExitCode.USAGE);
        assertTrue(r.errorLine().contains("exists"), r.stderr());
        assertTrue(r.hintLine().contains("--force"), r.stderr());
        assertEquals("keep me", Files.readString(target));
        hsmkit("--force", "key", "export", "--key", "mail", "-o", "pub.pem").assertOk();
        assertTrue(Files.readString(target).startsWith("-----BEGIN PUBLIC KEY-----"));
    }

    @Test
    void derGoesToAFileOrAPipeButNotToATerminal() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail").assertOk();
        CliRun.Result r = on(cli.withTerminal(), "key", "export", "--key", "mail", "--format", "der").assertExit(ExitCode.USAGE);
        assertTrue(r.errorLine().contains("binary data to the terminal"), r.stderr());
        assertEquals(0, r.stdoutBytes().length);
        CliRun.Result piped = hsmkit("key", "export", "--key", "mail", "--format", "der").assertOk();
        assertArrayEquals(keysOnToken().get(0).publicKey().getEncoded(), piped.stdoutBytes());
    }

    @Test
    void deleteAsksAndWithoutATerminalNeedsYes() {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail").assertOk();

        CliRun.Result noTerminal = hsmkit("key", "delete", "--key", "mail").assertExit(ExitCode.USAGE);
        assertTrue(noTerminal.errorLine().contains("confirmation needed"), noTerminal.stderr());
        assertTrue(noTerminal.hintLine().contains("--yes"), noTerminal.stderr());
        assertEquals(1, keysOnToken().size());

        CliRun.Result declined = on(cli.withTerminal("n"), "key", "delete", "--key", "mail").assertOk();
        assertTrue(declined.prompts().get(0).startsWith("Delete the ec:P-256 key 'mail'"), declined.prompts().toString());
        assertTrue(declined.stderr().contains("nothing deleted"));
        assertEquals(1, keysOnToken().size());

        on(cli.withTerminal("y"), "key", "delete", "--key", "mail").assertOk();
        assertEquals(0, keysOnToken().size());
    }

    @Test
    void importFromPkcs12WithPasswordFromEnvFileOrPrompt() throws Exception {
        Path pki = KeyCeremonyChecks.writeUsers(tmp.resolve("pki"), TestUser.BOB_P256, TestUser.ALICE_RSA2048, TestUser.CAROL_P384);
        Path p12 = pki.resolve(TestUser.BOB_P256.fileName() + ".p12");
        Path passFile = tmp.resolve("p12.pass");
        Files.writeString(passFile, TestPki.P12_PASSWORD + "\n");

        CliRun.Result viaEnv = on(cli.withEnv("P12PASS", TestPki.P12_PASSWORD), "key", "import", p12.toString(),
                "--label", "bob", "--id", "b0", "--p12-pass-env", "P12PASS").assertOk();
        assertEquals("bob", viaEnv.stdout().strip());
        TokenKey bob = keysOnToken().get(0);
        assertEquals(TestPki.standard().user(TestUser.BOB_P256).certificate(), bob.certificate().orElseThrow());
        assertArrayEquals(new byte[] {(byte) 0xb0}, bob.id());

        Path alice = pki.resolve(TestUser.ALICE_RSA2048.fileName() + ".p12");
        hsmkit("key", "import", alice.toString(), "--label", "alice", "--p12-pass-file", passFile.toString()).assertOk();

        Path carol = pki.resolve(TestUser.CAROL_P384.fileName() + ".p12");
        CliRun.Result prompted = on(cli.withTerminal(TestPki.P12_PASSWORD), "key", "import", carol.toString(), "--label", "carol")
                .assertOk();
        assertEquals(List.of("password of " + carol.getFileName() + ": "), prompted.prompts());
        assertEquals(List.of("bob", "alice", "carol"), keysOnToken().stream().map(TokenKey::label).toList());
    }

    @Test
    void pkcs12ImportRefusalsLeaveTheTokenAlone() throws Exception {
        Path pki = KeyCeremonyChecks.writeUsers(tmp.resolve("pki"), TestUser.BOB_P256);
        Path p12 = pki.resolve(TestUser.BOB_P256.fileName() + ".p12");
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail", "--id", "01").assertOk();

        CliRun.Result wrong = on(cli.withEnv("P12PASS", "not the password"), "key", "import", p12.toString(),
                "--label", "bob", "--p12-pass-env", "P12PASS").assertExit(ExitCode.KEY);
        assertTrue(wrong.errorLine().contains("PKCS#12 password"), wrong.stderr());
        assertFalse(wrong.stderr().contains("not the password"));

        CliRun.Result noTerminal = hsmkit("key", "import", p12.toString(), "--label", "bob").assertExit(ExitCode.KEY);
        assertTrue(noTerminal.hintLine().contains("--p12-pass-file"), noTerminal.stderr());

        CliRun.Result duplicate = on(cli.withEnv("P12PASS", TestPki.P12_PASSWORD), "key", "import", p12.toString(),
                "--label", "bob", "--id", "01", "--p12-pass-env", "P12PASS").assertExit(ExitCode.KEY);
        assertTrue(duplicate.errorLine().contains("already holds a key with id 01"), duplicate.stderr());

        CliRun.Result missing = hsmkit("key", "import", "bob.p12", "--label", "bob").assertExit(ExitCode.INPUT);
        assertEquals("hsmkit: error: the PKCS#12 file bob.p12 does not exist", missing.errorLine());
        assertEquals("hsmkit: hint: check the path", missing.hintLine());

        CliRun.Result both = hsmkit("key", "import", p12.toString(), "--label", "bob", "--p12-pass-env", "A",
                "--p12-pass-file", "b").assertExit(ExitCode.USAGE);
        assertTrue(both.errorLine().contains("mutually exclusive"), both.stderr());

        assertEquals(List.of("mail"), keysOnToken().stream().map(TokenKey::label).toList());
    }

    @Test
    void quietLeavesOnlyDataAndErrors() {
        CliRun.Result r = hsmkit("-q", "key", "generate", "--type", "ec:P-256", "--label", "mail").assertOk();
        assertEquals("", r.stderr(), "not even the note about the new soft token");
        assertEquals("mail\n", r.stdout());
        CliRun.Result list = hsmkit("-q", "key", "export", "--key", "mail", "--format", "ssh").assertOk();
        assertEquals("", list.stderr());
        assertTrue(list.stdout().startsWith("ecdsa-sha2-nistp256 AAAA"), list.stdout());
    }

    @Test
    void csrArgumentsAreCheckedBeforeTheTokenIsTouched() {
        CliRun.Result dn = hsmkit("key", "csr", "--key", "mail", "--subject", "not a dn", "-o", "x.csr").assertExit(ExitCode.USAGE);
        assertTrue(dn.errorLine().contains("'not a dn' is not a distinguished name"), dn.stderr());
        CliRun.Result san = hsmkit("key", "csr", "--key", "mail", "--subject", "CN=x", "--san", "mail:a@b").assertExit(ExitCode.USAGE);
        assertTrue(san.errorLine().contains("'mail:a@b' is not a subject alternative name"), san.stderr());
        CliRun.Result ip = hsmkit("key", "csr", "--key", "mail", "--subject", "CN=x", "--san", "ip:999.1.1.1").assertExit(ExitCode.USAGE);
        assertTrue(ip.errorLine().contains("'999.1.1.1' is not a valid ip name"), ip.stderr());
        assertTrue(ip.hintLine().contains("ip:192.0.2.10"), ip.stderr());
        assertFalse(Files.exists(tokenFile), "the soft token was not even created");
        assertFalse(Files.exists(tmp.resolve("x.csr")));
    }

    @Test
    void csrAcceptsOpensslStyleSubjects() {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "mail").assertOk();
        hsmkit("key", "csr", "--key", "mail", "--subject", "/C=DE/O=Example, Inc./CN=Alice", "-o", "a.csr").assertOk();
        String text = KeyCeremonyChecks.opensslVerifiesCsr(tmp, tmp.resolve("a.csr"));
        assertTrue(text.contains("C = DE, O = \"Example, Inc.\", CN = Alice"), text);
    }
}
