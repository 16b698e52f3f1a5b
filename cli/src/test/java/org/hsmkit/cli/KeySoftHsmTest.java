package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The key ceremony on a SoftHSM2 token through the real PKCS#11 binding, selected the way a user
 * selects a Nitrokey: {@code -t pkcs11:token=LABEL --module … --pin-file …}. Keys come from
 * {@code hsmkit key generate} and from {@code pkcs11-tool} (no certificate on the token); CSRs are
 * checked by openssl, SSH lines by ssh-keygen, public keys by openssl.
 */
class KeySoftHsmTest {
    static SoftHsmToken hsm;

    @TempDir
    Path tmp;

    @BeforeAll
    static void token() {
        hsm = SoftHsmToken.create("cli-keys");
    }

    @AfterAll
    static void done() {
        hsm.close();
    }

    static String[] onToken(String... args) {
        List<String> all = new ArrayList<>(List.of("-t", hsm.uri(), "--module", hsm.module().toString(),
                "--pin-file", hsm.pinFile().toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    CliRun.Result hsmkit(String... args) {
        return CliRun.in(tmp).run(onToken(args));
    }

    static List<TokenKey> keysOnToken() {
        try (Token t = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()),
                PinSource.of(hsm.userPin()), false))) {
            return t.keys();
        }
    }

    static TokenKey keyWithId(String hexId) {
        byte[] id = HexFormat.of().parseHex(hexId);
        return keysOnToken().stream().filter(k -> java.util.Arrays.equals(k.id(), id)).findFirst()
                .orElseThrow(() -> new AssertionError("no key with id " + hexId));
    }

    static long objectsWithId(String hexId) {
        String out = hsm.pkcs11Tool("--list-objects").stdoutText();
        return out.lines().filter(l -> l.strip().equals("ID:         " + hexId)).count();
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void ceremonyForEveryKeyType(KeyType type) throws Exception {
        String id = String.format("%02x", 0x10 + type.ordinal());
        String label = "hsm " + type.spec();
        CliRun.Result gen = hsmkit("key", "generate", "--type", type.spec(), "--label", label, "--id", id).assertOk();
        assertTrue(gen.stdout().startsWith("pkcs11:"), "generate prints a URI for --key: " + gen.stdout());
        String reference = gen.stdout().strip();
        TokenKey k = keyWithId(id);
        assertEquals(type, k.type());
        assertEquals(label, k.label());

        List<String> rows = hsmkit("key", "list").assertOk().stdout().lines().toList();
        assertTrue(rows.get(0).startsWith("ID"), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.matches(id + " +" + java.util.regex.Pattern.quote(label) + " +"
                + java.util.regex.Pattern.quote(type.spec()) + " +no certificate")), rows.toString());

        hsmkit("key", "csr", "--key", reference, "--subject", "CN=HSM " + type.name() + ",O=hsmkit tests",
                "--san", "dns:hsm.hsmkit.test", "-o", "hsm.csr").assertOk();
        String text = KeyCeremonyChecks.opensslVerifiesCsr(tmp, tmp.resolve("hsm.csr"));
        assertTrue(text.contains("DNS:hsm.hsmkit.test"), text);
        String hash = type.isRsa() || type.bits() <= 256 ? "SHA256" : type.bits() <= 384 ? "SHA384" : "SHA512";
        String algorithm = type.isRsa() ? hash.toLowerCase() + "WithRSAEncryption" : "ecdsa-with-" + hash;
        assertTrue(text.contains("Signature Algorithm: " + algorithm), "a hash as strong as the key: " + text);

        hsmkit("key", "export", "--key", "pkcs11:id=%" + id, "-o", "pub.pem").assertOk();
        KeyCeremonyChecks.assertSameKey(k.publicKey(), KeyCeremonyChecks.opensslReadsPublicKey(tmp, tmp.resolve("pub.pem")));

        if (type.isRsa() || !type.curveName().get().startsWith("brainpool")) {
            hsmkit("key", "export", "--key", label, "--format", "ssh", "-o", "id.pub").assertOk();
            KeyCeremonyChecks.sshKeygenReadsLine(tmp, tmp.resolve("id.pub"), type, label);
        } else {
            CliRun.Result r = hsmkit("key", "export", "--key", label, "--format", "ssh", "-o", "id.pub").assertExit(ExitCode.KEY);
            assertTrue(r.errorLine().contains("OpenSSH has no key format"), r.stderr());
            assertFalse(Files.exists(tmp.resolve("id.pub")));
        }

        Path crt = KeyCeremonyChecks.issueCertificate(tmp, k.publicKey(), "HSM " + type.name());
        hsmkit("key", "import-cert", "--key", label, crt.toString()).assertOk();
        assertTrue(hsmkit("key", "list").assertOk().stdout().contains("CN=HSM " + type.name()));
        CliRun.Result cert = hsmkit("key", "export", "--key", label, "--format", "cert").assertOk();
        try (PEMParser p = new PEMParser(new StringReader(cert.stdout()))) {
            assertTrue(((X509CertificateHolder) p.readObject()).getSubject().toString().startsWith("CN=HSM " + type.name()));
        }

        hsmkit("key", "delete", "--key", label, "--yes").assertOk();
        assertEquals(0, objectsWithId(id), "private key, public key and certificate are gone");
    }

    /**
     * A chain file given to import-cert: the CA certificates above the key's go on the token as
     * certificates without a key, once, and signatures carry them without --chain; a certificate
     * that is not above it stays off, and the import says so.
     */
    @Test
    void theCaCertificatesOfAnImportedChainGoOnTheTokenAndIntoSignatures() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "chained", "--id", "c4").assertOk();
        Path leaf = KeyCeremonyChecks.issueCertificate(tmp, keyWithId("c4").publicKey(), "Chained User");
        TestPki pki = TestPki.standard();
        Files.writeString(tmp.resolve("chain.pem"), Files.readString(leaf) + TestPki.pem(List.of(pki.intermediate().certificate(),
                pki.root().certificate(), pki.user(org.hsmkit.testdata.TestUser.BOB_P256).certificate())));
        CliRun.Result r = hsmkit("key", "import-cert", "chain.pem").assertOk();
        String intermediate = NameFormat.format(pki.intermediate().certificate().getSubjectX500Principal());
        String root = NameFormat.format(pki.root().certificate().getSubjectX500Principal());
        assertTrue(r.stderr().contains("; signatures carry its CA certificates " + intermediate + ", " + root + ", kept on the token too"),
                r.stderr());
        assertTrue(r.stderr().contains("hsmkit: note: the other certificate in chain.pem stays off the token"), r.stderr());
        assertEquals(List.of(pki.intermediate().certificate(), pki.root().certificate()),
                keyWithId("c4").certificateChain().subList(1, 3));
        hsmkit("key", "import-cert", "chain.pem").assertOk();
        String objects = hsm.pkcs11Tool("--list-objects").stdoutText();
        assertEquals(1, objects.lines().filter(l -> l.contains("subject:") && l.contains("Intermediate")).count(),
                "imported twice, stored once: " + objects);

        Files.writeString(tmp.resolve("doc.txt"), "carried chain");
        CliRun.Result signed = hsmkit("sign", "--key", "chained", "doc.txt").assertOk();
        assertFalse(signed.stderr().contains("warning"), signed.stderr());
        pki.writeTo(tmp.resolve("pki"));
        ExternalTool.run(tmp, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "doc.txt.p7s", "-content", "doc.txt",
                "-CAfile", "pki/root.pem", "-purpose", "any", "-out", "/dev/null").requireSuccess();
    }

    @Test
    void csrWithRsaPssAndAChosenDigest() {
        hsmkit("key", "generate", "--type", "rsa:2048", "--label", "pss", "--id", "c1").assertOk();
        hsmkit("key", "csr", "--key", "pss", "--subject", "CN=PSS", "--pss", "--digest", "sha384", "-o", "pss.csr").assertOk();
        String text = KeyCeremonyChecks.opensslVerifiesCsr(tmp, tmp.resolve("pss.csr"));
        assertTrue(text.contains("Signature Algorithm: rsassaPss"), text);
        assertTrue(text.contains("Hash Algorithm: sha384"), text);

        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "ec-pss", "--id", "c2").assertOk();
        CliRun.Result r = hsmkit("key", "csr", "--key", "ec-pss", "--subject", "CN=x", "--pss", "-o", "ec.csr")
                .assertExit(ExitCode.USAGE);
        assertTrue(r.errorLine().contains("--pss applies to RSA keys"), r.stderr());
        assertFalse(Files.exists(tmp.resolve("ec.csr")));
        CliRun.Result bad = hsmkit("key", "csr", "--key", "ec-pss", "--subject", "CN=x", "--digest", "md5").assertExit(ExitCode.USAGE);
        assertTrue(bad.errorLine().contains("'md5' is not a supported hash"), bad.stderr());

        hsmkit("key", "delete", "--key", "pss", "--yes").assertOk();
        hsmkit("key", "delete", "--key", "ec-pss", "--yes").assertOk();
    }

    @Test
    void keysMadeByPkcs11ToolWithoutCertificateWork() throws Exception {
        hsm.pkcs11Tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", "42", "--label", "tool-ec");
        hsm.pkcs11Tool("--keypairgen", "--key-type", "rsa:2048", "--id", "43", "--label", "tool-rsa");

        String list = hsmkit("key", "list").assertOk().stdout();
        assertTrue(list.lines().anyMatch(l -> l.matches("42 +tool-ec +ec:P-256 +no certificate")), list);
        assertTrue(list.lines().anyMatch(l -> l.matches("43 +tool-rsa +rsa:2048 +no certificate")), list);

        for (String label : List.of("tool-ec", "tool-rsa")) {
            hsmkit("--force", "key", "csr", "--key", label, "--subject", "CN=" + label, "-o", "tool.csr").assertOk();
            KeyCeremonyChecks.opensslVerifiesCsr(tmp, tmp.resolve("tool.csr"));
            CliRun.Result ssh = hsmkit("key", "export", "--key", label, "--format", "ssh").assertOk();
            Files.writeString(tmp.resolve(label + ".pub"), ssh.stdout());
            KeyCeremonyChecks.sshKeygenReadsLine(tmp, tmp.resolve(label + ".pub"), label.endsWith("ec") ? KeyType.EC_P256
                    : KeyType.RSA_2048, label);
        }
        hsmkit("key", "export", "--key", "pkcs11:id=%43;type=private", "-o", "rsa.pem").assertOk();
        KeyCeremonyChecks.assertSameKey(keyWithId("43").publicKey(), KeyCeremonyChecks.opensslReadsPublicKey(tmp, tmp.resolve("rsa.pem")));

        hsmkit("key", "delete", "--key", "tool-ec", "--yes").assertOk();
        hsmkit("key", "delete", "--key", "tool-rsa", "--yes").assertOk();
        assertEquals(0, objectsWithId("42") + objectsWithId("43"));
    }

    @Test
    void duplicateIdIsRefusedAndNothingIsCreated() {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "dup-first", "--id", "77").assertOk();
        long before = objectsWithId("77");
        CliRun.Result r = hsmkit("key", "generate", "--type", "rsa:2048", "--label", "dup-second", "--id", "77")
                .assertExit(ExitCode.KEY);
        assertEquals("hsmkit: error: the token already holds a key with id 77 (label 'dup-first')", r.errorLine());
        assertEquals("", r.stdout());
        assertEquals(before, objectsWithId("77"));
        assertFalse(hsm.pkcs11Tool("--list-objects").stdoutText().contains("dup-second"));
        hsmkit("key", "delete", "--key", "dup-first", "--yes").assertOk();
    }

    @Test
    void unknownKeyListsWhatIsThere() {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "present", "--id", "88").assertOk();
        CliRun.Result r = hsmkit("key", "csr", "--key", "absent", "--subject", "CN=x", "-o", "x.csr").assertExit(ExitCode.KEY);
        assertTrue(r.errorLine().contains("no key 'absent'"), r.stderr());
        assertTrue(r.errorLine().contains("'present' (id 88)"), r.stderr());
        assertFalse(Files.exists(tmp.resolve("x.csr")));
        hsmkit("key", "delete", "--key", "present", "--yes").assertOk();
    }

    @Test
    void importFromPkcs12IntoTheHsm() throws Exception {
        Path pki = KeyCeremonyChecks.writeUsers(tmp.resolve("pki"), TestUser.ALICE_RSA2048);
        CliRun.Result r = CliRun.in(tmp).withEnv("P12PASS", TestPki.P12_PASSWORD).run(onToken("key", "import",
                pki.resolve(TestUser.ALICE_RSA2048.fileName() + ".p12").toString(), "--label", "alice", "--id", "a1",
                "--p12-pass-env", "P12PASS")).assertOk();
        assertTrue(r.stdout().startsWith("pkcs11:"), r.stdout());
        TokenKey alice = keyWithId("a1");
        assertEquals(TestPki.standard().user(TestUser.ALICE_RSA2048).certificate(), alice.certificate().orElseThrow());
        hsmkit("key", "csr", "--key", "alice", "--subject", "CN=Alice again", "-o", "alice.csr").assertOk();
        KeyCeremonyChecks.opensslVerifiesCsr(tmp, tmp.resolve("alice.csr"));
        hsmkit("key", "delete", "--key", "alice", "--yes").assertOk();
    }

    @Test
    void pinIsAskedOnTheTerminalWhenNoPinSourceIsGiven() {
        String[] args = {"-t", hsm.uri(), "--module", hsm.module().toString(), "key", "list"};
        CliRun.Result prompted = CliRun.in(tmp).withTerminal(SoftHsmToken.USER_PIN).run(args).assertOk();
        assertEquals(1, prompted.prompts().size());
        assertTrue(prompted.prompts().get(0).startsWith("PIN for the token '" + hsm.label() + "'"), prompted.prompts().toString());

        CliRun.Result script = CliRun.in(tmp).run(args).assertExit(ExitCode.KEY);
        assertTrue(script.errorLine().contains("no terminal to ask on"), script.stderr());
        assertEquals("hsmkit: hint: pass --pin-file FILE or --pin-env VAR (or set HSMKIT_PIN_FILE)", script.hintLine());

        CliRun.Result fromEnvFile = CliRun.in(tmp).withEnv("HSMKIT_PIN_FILE", hsm.pinFile().toString()).run(args).assertOk();
        assertTrue(fromEnvFile.stdout().startsWith("ID") || fromEnvFile.stdout().isEmpty(), fromEnvFile.stdout());
    }

    @Test
    void randomComesFromTheToken() {
        byte[] raw = hsmkit("random", "--bytes", "1025", "--format", "raw").assertOk().stdoutBytes();
        assertEquals(1025, raw.length);
        String hex = hsmkit("-q", "random", "--bytes", "16").assertOk().stdout();
        assertTrue(hex.matches("[0-9a-f]{32}\n"), hex);
    }

    @Test
    void tokenListAndInfoShowTheSoftHsmToken() throws Exception {
        CliRun.Result list = CliRun.in(tmp).run("-t", "pkcs11:", "--module", hsm.module().toString(), "token", "list")
                .assertOk();
        List<String> lines = list.stdout().lines().toList();
        assertEquals("module: " + hsm.module().toRealPath(), lines.get(0));
        assertTrue(lines.get(1).matches("SLOT +LABEL +SERIAL +MODEL +PIN +FLAGS +URI"), lines.get(1));
        assertTrue(lines.stream().anyMatch(l -> l.contains(" " + hsm.label() + " ") && l.contains("SoftHSM v2")
                && l.contains("LOGIN_REQUIRED") && l.contains("pkcs11:")), list.stdout());

        CliRun.Result info = CliRun.in(tmp).run("-t", hsm.uri(), "--module", hsm.module().toString(), "token", "info")
                .assertOk();
        assertTrue(info.stdout().contains("kind:         pkcs11"), info.stdout());
        assertTrue(info.stdout().contains("module:       " + hsm.module().toRealPath()), info.stdout());
        assertTrue(info.stdout().contains("label:        " + hsm.label()), info.stdout());
        assertTrue(info.stdout().contains("model:        SoftHSM v2"), info.stdout());
        assertTrue(info.stdout().lines().anyMatch(l -> l.matches("serial: +[0-9a-f]{16}")), info.stdout());
        assertEquals("", info.stderr());
    }

    @Test
    void keySelectionKeepsStdoutFreeOfLibraryLogging() {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "quiet", "--id", "99").assertOk();
        CliRun.Result r = hsmkit("-q", "key", "export", "--key", "quiet", "--format", "ssh").assertOk();
        assertEquals(1, r.stdout().lines().count(), r.stdout());
        assertEquals("", r.stderr());
        hsmkit("key", "delete", "--key", "quiet", "--yes").assertOk();
    }

    @Test
    void theReferencePrintedByGenerateSelectsTokenAndKeyOnItsOwn() throws Exception {
        String reference = hsmkit("key", "generate", "--type", "ec:P-256", "--label", "alone", "--id", "ab").assertOk()
                .stdout().strip();
        assertTrue(reference.contains("token=" + hsm.label()) && reference.toLowerCase().contains("id=%ab"), reference);
        CliRun.Result r = CliRun.in(tmp).run("--module", hsm.module().toString(), "--pin-file", hsm.pinFile().toString(),
                "key", "export", "--key", reference, "--format", "ssh").assertOk();
        assertTrue(r.stdout().startsWith("ecdsa-sha2-nistp256 "), r.stdout());
        hsmkit("key", "delete", "--key", reference, "--yes").assertOk();
    }

    @Test
    void pemPublicKeyOfAPkcs11KeyMatchesTheDerExport() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-384", "--label", "der", "--id", "9a").assertOk();
        byte[] der = hsmkit("key", "export", "--key", "der", "--format", "der").assertOk().stdoutBytes();
        assertArrayEquals(keyWithId("9a").publicKey().getEncoded(), der);
        hsmkit("key", "delete", "--key", "der", "--yes").assertOk();
    }
}
