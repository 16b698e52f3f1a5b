package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hsmkit.testdata.ExternalTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsmkit pgp} on the software token: export (stable fingerprint, the creation time kept as
 * a data object, the fingerprint gpg computes), encrypt and decrypt, the three signature shapes and
 * their verification (a key outside the keyring fails), a keyring file as recipients, inspect without
 * a token, and the refusals with their exit codes and nothing written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgpCliTest {
    private static final Pattern FINGERPRINT = Pattern.compile("certificate ([0-9A-F]{40})");

    private Path tmp;
    private CliRun cli;
    private final byte[] text = "release notes\n- first item\ntrailing blanks   \n".getBytes(StandardCharsets.UTF_8);
    private String fingerprint;

    private CliRun.Result hsmkit(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "-t";
        all[1] = "soft:" + tmp.resolve("t.p12");
        all[2] = "--pin-env";
        all[3] = KeySoftTokenTest.PIN_VAR;
        System.arraycopy(args, 0, all, 4, args.length);
        return cli.run(all);
    }

    /** The first export, with an encryption subkey. */
    private CliRun.Result first;

    @BeforeAll
    void exportTwice(@TempDir Path dir) throws Exception {
        tmp = dir;
        cli = CliRun.in(tmp).withEnv(KeySoftTokenTest.PIN_VAR, KeySoftTokenTest.PASSPHRASE);
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "pgp").assertOk();
        Files.write(tmp.resolve("notes.txt"), text);
        first = hsmkit("pgp", "export", "--key", "pgp", "--encryption-key", "pgp", "--user-id", "Alice <alice@example.org>",
                "--expires", "2y", "-o", "alice.asc").assertOk();
        Matcher m = FINGERPRINT.matcher(first.stderr());
        assertTrue(m.find(), first.stderr());
        fingerprint = m.group(1);
    }

    @Test
    void aSecondExportHasTheSameFingerprintAndGpgComputesItToo() throws Exception {
        // --uid, as gpg users say it, is --user-id
        CliRun.Result again = hsmkit("pgp", "export", "--key", "pgp", "--encryption-key", "pgp", "--uid", "Alice <alice@example.org>", "-o", "-")
                .assertOk();
        assertTrue(again.stdout().startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"), again.stdout());
        assertTrue(again.stderr().contains(fingerprint), again.stderr());
        String data = hsmkit("data", "list").assertOk().stdout();
        assertTrue(data.contains("openpgp-created-") && data.contains("hsmkit-openpgp"), data);
        ExternalTool.require("gpg", "gpg");
        ExternalTool.Result shown = ExternalTool.run(tmp, null, java.util.Map.of("GNUPGHOME", tmp.toString()),
                List.of("gpg", "--batch", "--with-colons", "--show-keys", "alice.asc")).requireSuccess();
        assertTrue(shown.stdoutText().contains("fpr:::::::::" + fingerprint + ":"), shown.stdoutText());
        // --expires 2y: gpg reads the expiry of the first export, two years after the creation
        String pub = shown.stdoutText().lines().filter(l -> l.startsWith("pub:")).findFirst().orElseThrow();
        String[] f = pub.split(":", -1);
        long days = (Long.parseLong(f[6]) - Long.parseLong(f[5])) / 86_400;
        assertTrue(days >= 730 && days <= 731, pub);
    }

    @Test
    void whatGpgEncryptsToTheExportedCertificateDecryptsOnTheSoftToken() throws Exception {
        ExternalTool.require("gpg", "gpg");
        Path home = Files.createTempDirectory(Path.of("/tmp"), "gpg");
        java.util.Map<String, String> env = java.util.Map.of("GNUPGHOME", home.toString());
        try {
            ExternalTool.run(tmp, null, env, List.of("gpg", "--batch", "--import", "alice.asc")).requireSuccess();
            ExternalTool.run(tmp, null, env, List.of("gpg", "--batch", "--trust-model", "always", "-r", fingerprint, "-o", "from-gpg.gpg",
                    "--encrypt", "notes.txt")).requireSuccess();
        } finally {
            ExternalTool.run(tmp, null, env, List.of("gpgconf", "--kill", "all"));
            ExternalTool.run(tmp, "rm", "-rf", home.toString());
        }
        CliRun.Result r = hsmkit("pgp", "decrypt", "from-gpg.gpg").assertOk();
        assertTrue(r.stderr().contains("SEIPD v1"), r.stderr());
        assertArrayEquals(text, Files.readAllBytes(tmp.resolve("from-gpg")));
    }

    @Test
    void encryptThenDecryptWithTheTokenKey() throws Exception {
        hsmkit("pgp", "encrypt", "-r", "alice.asc", "--armor", "-o", "notes.asc", "notes.txt").assertOk();
        String inspected = hsmkit("pgp", "inspect", "notes.asc").assertOk().stdout();
        assertTrue(inspected.startsWith("encrypted message") && inspected.contains("SEIPD v2"), inspected);
        hsmkit("pgp", "decrypt", "-o", "notes.out", "notes.asc").assertOk();
        assertArrayEquals(text, Files.readAllBytes(tmp.resolve("notes.out")));
        // found in a keyring by mail address, and as SEIPD v1 on request
        hsmkit("pgp", "encrypt", "--keyring", "alice.asc", "-r", "alice@example.org", "--seipd-v1", "-o", "notes.v1.gpg", "notes.txt").assertOk();
        assertTrue(hsmkit("pgp", "inspect", "notes.v1.gpg").assertOk().stdout().contains("SEIPD v1"));
        hsmkit("pgp", "decrypt", "--key", "pgp", "notes.v1.gpg").assertOk(); // writes notes.v1
        assertArrayEquals(text, Files.readAllBytes(tmp.resolve("notes.v1")));
    }

    @Test
    void aTamperedMessageExitsOneAndWritesNothing() throws Exception {
        hsmkit("pgp", "encrypt", "-r", "alice.asc", "-o", "t.gpg", "notes.txt").assertOk();
        byte[] m = Files.readAllBytes(tmp.resolve("t.gpg"));
        m[m.length - 5] ^= 1;
        Files.write(tmp.resolve("t.gpg"), m);
        CliRun.Result r = hsmkit("pgp", "decrypt", "-o", "t.out", "t.gpg").assertExit(1);
        assertTrue(r.errorLine().startsWith("hsmkit: error: "), r.stderr());
        assertFalse(Files.exists(tmp.resolve("t.out")));
    }

    @Test
    void signaturesOfEveryShapeVerifyAndABadOneExitsOne() throws Exception {
        hsmkit("pgp", "sign", "--key", "pgp", "--detached", "--armor", "notes.txt").assertOk();
        CliRun.Result ok = hsmkit("pgp", "verify", "--keyring", "alice.asc", "notes.txt.asc").assertOk();
        assertTrue(ok.stdout().contains("Good signature from \"Alice <alice@example.org>\""), ok.stdout());
        assertTrue(ok.stdout().contains(fingerprint), ok.stdout());
        String json = hsmkit("pgp", "verify", "--json", "--keyring", "alice.asc", "notes.txt", "notes.txt.asc").assertOk().stdout();
        assertTrue(json.contains("\"keyFingerprint\" : \"" + fingerprint + "\""), json);

        hsmkit("pgp", "sign", "--key", "pgp", "--clearsign", "-o", "notes.clear", "notes.txt").assertOk();
        assertTrue(Files.readString(tmp.resolve("notes.clear")).contains("\n- - first item\n"));
        hsmkit("pgp", "verify", "--keyring", "alice.asc", "-o", "clear.out", "notes.clear").assertOk();
        // what a cleartext signature covers: the text without its trailing blanks
        assertEquals(new String(text, StandardCharsets.UTF_8).replace("blanks   \n", "blanks\n"), Files.readString(tmp.resolve("clear.out")));

        hsmkit("pgp", "sign", "--key", "pgp", "notes.txt").assertOk();
        hsmkit("pgp", "verify", "--keyring", "alice.asc", "-o", "inline.out", "notes.txt.gpg").assertOk();
        assertArrayEquals(text, Files.readAllBytes(tmp.resolve("inline.out")));
        // the data on standard output, the report on standard error
        CliRun.Result piped = hsmkit("pgp", "verify", "--keyring", "alice.asc", "-o", "-", "notes.txt.gpg").assertOk();
        assertEquals(new String(text, StandardCharsets.UTF_8), piped.stdout());
        assertTrue(piped.stderr().contains("Good signature from \"Alice <alice@example.org>\""), piped.stderr());
        assertEquals(2, hsmkit("--json", "pgp", "verify", "--keyring", "alice.asc", "-o", "-", "notes.txt.gpg").exitCode());

        Files.write(tmp.resolve("changed.txt"), "release notes, changed\n".getBytes(StandardCharsets.UTF_8));
        CliRun.Result bad = hsmkit("pgp", "verify", "--keyring", "alice.asc", "changed.txt", "notes.txt.asc").assertExit(1);
        assertTrue(bad.errorLine().contains("BAD signature"), bad.stderr());
    }

    /** What gpg users type out of habit makes what gpg would make. */
    @Test
    void gpgsSpellingsOfTheSignatureKindsWork() throws Exception {
        hsmkit("pgp", "sign", "--key", "pgp", "-b", "-a", "-o", "gpg-b.asc", "notes.txt").assertOk();
        assertTrue(Files.readString(tmp.resolve("gpg-b.asc")).startsWith("-----BEGIN PGP SIGNATURE-----"));
        hsmkit("pgp", "verify", "--keyring", "alice.asc", "gpg-b.asc", "notes.txt").assertOk();
        hsmkit("pgp", "sign", "--key", "pgp", "--detach-sign", "-o", "gpg-d.sig", "notes.txt").assertOk();
        hsmkit("pgp", "verify", "--keyring", "alice.asc", "gpg-d.sig", "notes.txt").assertOk();
        hsmkit("pgp", "sign", "--key", "pgp", "--clear-sign", "-o", "gpg-c.asc", "notes.txt").assertOk();
        assertTrue(Files.readString(tmp.resolve("gpg-c.asc")).startsWith("-----BEGIN PGP SIGNED MESSAGE-----"));
        hsmkit("pgp", "sign", "--key", "pgp", "-b", "--clear-sign", "-o", "gpg-both.asc", "notes.txt").assertExit(ExitCode.USAGE);
        assertFalse(Files.exists(tmp.resolve("gpg-both.asc")));
    }

    @Test
    void refusalsHaveTheirExitCodesAndHints() throws Exception {
        CliRun.Result signOnly = hsmkit("pgp", "export", "--key", "pgp", "--user-id", "Alice <alice@example.org>", "-o", "signonly.asc")
                .assertOk();
        assertTrue(signOnly.stderr().contains("it can only sign: no one can encrypt to it; add --encryption-key KEY"), signOnly.stderr());
        assertFalse(first.stderr().contains("can only sign"), first.stderr());
        hsmkit("key", "generate", "--type", "rsa:2048", "--label", "both").assertOk();
        CliRun.Result oneKey = hsmkit("pgp", "export", "--key", "both", "--encryption-key", "both", "--user-id", "B <b@example.org>",
                "-o", "gpg-both.asc").assertOk();
        assertTrue(oneKey.stderr().contains("whose primary key also encrypts"), oneKey.stderr());
        assertFalse(oneKey.stderr().contains("can only sign"), oneKey.stderr());
        CliRun.Result noEnc = hsmkit("pgp", "encrypt", "-r", "signonly.asc", "-o", "x.gpg", "notes.txt").assertExit(4);
        assertTrue(noEnc.errorLine().contains("no key that may encrypt"), noEnc.stderr());
        assertFalse(noEnc.hintLine().isEmpty());
        assertFalse(Files.exists(tmp.resolve("x.gpg")));

        hsmkit("key", "generate", "--type", "rsa:2048", "--label", "fresh").assertOk();
        CliRun.Result noTime = hsmkit("pgp", "sign", "--key", "fresh", "-o", "y.sig", "notes.txt").assertExit(3);
        assertTrue(noTime.hintLine().contains("pgp export"), noTime.stderr());
        assertFalse(Files.exists(tmp.resolve("y.sig")));

        CliRun.Result created = hsmkit("pgp", "export", "--key", "pgp", "--user-id", "A <a@b>", "--created", "2020-01-01", "-o", "z.asc")
                .assertExit(2);
        assertTrue(created.errorLine().contains("already has the OpenPGP creation time"), created.stderr());
        assertFalse(Files.exists(tmp.resolve("z.asc")));
        assertEquals(2, hsmkit("pgp", "export", "--key", "pgp", "-o", "w.asc").exitCode());

        // four-octet times: an expiry after 2106 wrapped round to a date in the past, and gpg showed the key expired
        CliRun.Result century = hsmkit("pgp", "export", "--key", "pgp", "--user-id", "A <a@b>", "--expires", "100y", "-o", "c.asc")
                .assertExit(2);
        assertTrue(century.errorLine().contains("lies after 2106-02-07T06:28:15Z, the last time OpenPGP can write"), century.stderr());
        for (String[] bad : new String[][] {{"--expires", "99999999999y"}, {"--expires", "999999999999999d"}, {"--created", "yesterday"}}) {
            CliRun.Result r = hsmkit("pgp", "export", "--key", "pgp", "--user-id", "A <a@b>", bad[0], bad[1], "-o", "c.asc").assertExit(2);
            assertTrue(r.errorLine().contains("cannot read the time '" + bad[1] + "'"), r.stderr());
            assertFalse(r.hintLine().isEmpty());
        }
        assertFalse(Files.exists(tmp.resolve("c.asc")));
        hsmkit("pgp", "export", "--key", "pgp", "--user-id", "A <a@b>", "--expires", "2106-01-01", "-o", "c.asc").assertOk();
        ExternalTool.require("gpg", "gpg");
        String shown = ExternalTool.run(tmp, null, java.util.Map.of("GNUPGHOME", tmp.toString()),
                List.of("gpg", "--batch", "--with-colons", "--show-keys", "c.asc")).requireSuccess().stdoutText();
        assertTrue(shown.lines().anyMatch(l -> l.startsWith("pub:-:")), "not expired: " + shown);
    }

    @Test
    void aKeyringFileEncryptsToEachOfItsCertificatesAndInspectNeedsNoToken() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-384", "--label", "bob").assertOk();
        hsmkit("pgp", "export", "--key", "bob", "--encryption-key", "bob", "--user-id", "Bob <bob@example.org>", "-o", "bob.asc").assertOk();
        // two armoured certificates in one file, as 'cat alice.asc bob.asc' makes
        Files.writeString(tmp.resolve("ring.asc"), Files.readString(tmp.resolve("alice.asc")) + Files.readString(tmp.resolve("bob.asc")));
        hsmkit("pgp", "encrypt", "-r", "ring.asc", "--seipd-v1", "-o", "both.gpg", "notes.txt").assertOk();

        String inspected = cli.run("pgp", "inspect", "both.gpg").assertOk().stdout(); // no token, no PIN
        assertEquals(2, inspected.split("\n    recipient ", -1).length - 1, inspected);
        for (String key : List.of("pgp", "bob")) {
            hsmkit("pgp", "decrypt", "--key", key, "-o", "both-" + key + ".out", "both.gpg").assertOk();
            assertArrayEquals(text, Files.readAllBytes(tmp.resolve("both-" + key + ".out")));
        }

        hsmkit("pgp", "sign", "--key", "bob", "--detached", "-o", "bob.sig", "notes.txt").assertOk();
        CliRun.Result unknown = hsmkit("pgp", "verify", "--keyring", "alice.asc", "notes.txt", "bob.sig").assertExit(1);
        assertTrue(unknown.errorLine().contains("unknown key"), unknown.stderr());
        hsmkit("pgp", "verify", "--keyring", "ring.asc", "notes.txt", "bob.sig").assertOk();
    }

    @Test
    void aSignedAndEncryptedMessageDecryptsOnlyWithAGoodSignatureWhenAKeyringIsGiven() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "carol").assertOk();
        hsmkit("pgp", "export", "--key", "carol", "--user-id", "Carol <carol@example.org>", "-o", "carol.asc").assertOk();
        CliRun.Result enc = hsmkit("pgp", "encrypt", "-r", "alice.asc", "--sign-with", "carol", "-o", "se.gpg", "notes.txt").assertOk();
        assertTrue(enc.stderr().contains(", signed with key "), enc.stderr());
        assertEquals("", enc.stdout());

        CliRun.Result good = hsmkit("pgp", "decrypt", "--keyring", "carol.asc", "-o", "se.out", "se.gpg").assertOk();
        assertTrue(good.stderr().contains("hsmkit: good signature from \"Carol <carol@example.org>\""), good.stderr());
        assertEquals("", good.stdout());
        assertArrayEquals(text, Files.readAllBytes(tmp.resolve("se.out")));

        CliRun.Result verify = hsmkit("pgp", "verify", "--keyring", "carol.asc", "se.gpg").assertExit(4);
        assertTrue(verify.errorLine().contains("the input is an encrypted message")
                && verify.hintLine().contains("hsmkit pgp decrypt --keyring FILE"), verify.stderr());

        com.fasterxml.jackson.databind.JsonNode report = JsonCliTest.JSON.readTree(
                hsmkit("--json", "pgp", "decrypt", "--keyring", "carol.asc", "-o", "se.json.out", "se.gpg").assertOk().stdout());
        assertTrue(report.get("signaturesChecked").asBoolean(), report.toString());
        assertEquals("Carol <carol@example.org>", report.get("signatures").get(0).get("userId").asText(), report.toString());
        assertEquals(text.length, report.get("bytes").asLong());
        assertEquals("", report.get("fileName").asText(), "no file name in the message, signed or not");
        CliRun.Result jsonToStdout = hsmkit("--json", "pgp", "decrypt", "-o", "-", "se.gpg").assertExit(2);
        assertEquals("USAGE", JsonCliTest.JSON.readTree(jsonToStdout.stdout()).get("error").get("kind").asText(), jsonToStdout.stdout());

        CliRun.Result unchecked = hsmkit("pgp", "decrypt", "-o", "se.unchecked", "se.gpg").assertOk();
        assertTrue(unchecked.stderr().contains("hsmkit: warning: the message is signed by ")
                && unchecked.stderr().contains("give the signer's certificate with --keyring FILE"), unchecked.stderr());

        CliRun.Result stranger = hsmkit("pgp", "decrypt", "--keyring", "alice.asc", "-o", "se.stranger", "se.gpg").assertExit(1);
        assertTrue(stranger.errorLine().contains("signed by an unknown key"), stranger.stderr());
        assertFalse(Files.exists(tmp.resolve("se.stranger")));

        hsmkit("pgp", "encrypt", "-r", "alice.asc", "-o", "plain.gpg", "notes.txt").assertOk();
        CliRun.Result unsigned = hsmkit("pgp", "decrypt", "--keyring", "carol.asc", "-o", "plain.out", "plain.gpg").assertExit(1);
        assertTrue(unsigned.errorLine().contains("the message is not signed"), unsigned.stderr());
        assertTrue(unsigned.hintLine().contains("without a keyring"), unsigned.stderr());
        assertFalse(Files.exists(tmp.resolve("plain.out")));

        CliRun.Result lone = hsmkit("pgp", "decrypt", "--accept-expired", "-o", "x.out", "se.gpg").assertExit(2);
        assertTrue(lone.errorLine().contains("--accept-expired needs --keyring"), lone.stderr());
        CliRun.Result certAlone = hsmkit("pgp", "encrypt", "-r", "alice.asc", "--certificate", "carol.asc", "-o", "y.gpg", "notes.txt")
                .assertExit(2);
        assertTrue(certAlone.errorLine().contains("--certificate needs --sign-with"), certAlone.stderr());
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "no-pgp").assertOk();
        CliRun.Result noTime = hsmkit("pgp", "encrypt", "-r", "alice.asc", "--sign-with", "no-pgp", "-o", "z.gpg", "notes.txt").assertExit(3);
        assertTrue(noTime.hintLine().contains("pgp export"), noTime.stderr());
        for (String absent : List.of("x.out", "y.gpg", "z.gpg")) {
            assertFalse(Files.exists(tmp.resolve(absent)), absent);
        }
    }

    @Test
    void aRevocationCertificateIsMadeOnTheTokenForTheExportedFingerprint() throws Exception {
        CliRun.Result made = hsmkit("pgp", "revoke", "--key", "pgp", "--reason", "compromised", "--comment", "laptop stolen").assertOk();
        assertTrue(made.stdout().startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: This is a revocation certificate for "
                + fingerprint), made.stdout());
        assertTrue(made.stderr().contains("made a revocation certificate for " + fingerprint + " (key compromised)"), made.stderr());
        Files.writeString(tmp.resolve("stolen.asc"), made.stdout());
        String inspected = cli.run("pgp", "inspect", "stolen.asc").assertOk().stdout();
        assertTrue(inspected.startsWith("revocation certificate") && inspected.contains("type 32 (key revocation)")
                && inspected.contains("reason key compromised: 'laptop stolen'"), inspected);
        hsmkit("pgp", "revoke", "--key", "pgp", "-o", "rev.asc").assertOk();
        ExternalTool.require("gpg", "gpg");
        Path home = Files.createTempDirectory(Path.of("/tmp"), "gpg");
        java.util.Map<String, String> env = java.util.Map.of("GNUPGHOME", home.toString());
        try {
            ExternalTool.run(tmp, null, env, List.of("gpg", "--batch", "--import", "alice.asc")).requireSuccess();
            ExternalTool.run(tmp, null, env, List.of("gpg", "--batch", "--import", "rev.asc")).requireSuccess();
            String listed = ExternalTool.run(tmp, null, env, List.of("gpg", "--batch", "--with-colons", "--list-keys", fingerprint))
                    .requireSuccess().stdoutText();
            assertTrue(listed.lines().anyMatch(l -> l.startsWith("pub:r:")), listed);
        } finally {
            ExternalTool.run(tmp, null, env, List.of("gpgconf", "--kill", "all"));
            ExternalTool.run(tmp, "rm", "-rf", home.toString());
        }

        CliRun.Result badReason = hsmkit("pgp", "revoke", "--key", "pgp", "--reason", "lost", "-o", "r1.asc").assertExit(2);
        assertTrue(badReason.errorLine().contains("unknown reason 'lost'") && badReason.hintLine().contains("compromised"), badReason.stderr());
        CliRun.Result twoLines = hsmkit("pgp", "revoke", "--key", "pgp", "--comment", "a\nb", "-o", "r2.asc").assertExit(2);
        assertTrue(twoLines.errorLine().contains("one line"), twoLines.stderr());
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "never-exported").assertOk();
        CliRun.Result noTime = hsmkit("pgp", "revoke", "--key", "never-exported", "-o", "r3.asc").assertExit(3);
        assertTrue(noTime.hintLine().contains("pgp export"), noTime.stderr());
        for (String absent : List.of("r1.asc", "r2.asc", "r3.asc")) {
            assertFalse(Files.exists(tmp.resolve(absent)), absent);
        }
    }

    @Test
    void deletingAKeySaysWhereItsOpenPgpCreationTimeStaysAndHowToRemoveIt() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "short-lived").assertOk();
        hsmkit("pgp", "export", "--key", "short-lived", "--user-id", "Temp <temp@example.org>", "-o", "temp.asc").assertOk();
        CliRun.Result deleted = hsmkit("key", "delete", "--key", "short-lived", "--yes").assertOk();
        java.util.regex.Matcher m = Pattern.compile("data delete --label (openpgp-created-[0-9a-f]{16})").matcher(deleted.stderr());
        assertTrue(m.find(), deleted.stderr());
        assertTrue(hsmkit("data", "list").assertOk().stdout().contains(m.group(1)));
        hsmkit("data", "delete", "--label", m.group(1), "--yes").assertOk();
        assertFalse(hsmkit("data", "list").assertOk().stdout().contains(m.group(1)));
        // a key never exported has no record, and its deletion says nothing of one
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "plain").assertOk();
        assertFalse(hsmkit("key", "delete", "--key", "plain", "--yes").assertOk().stderr().contains("OpenPGP"));
    }

    @Test
    void hiddenRecipientsAreAnonymousInTheMessageAndTheTokenKeyStillFindsIt() throws Exception {
        hsmkit("pgp", "encrypt", "-r", "alice.asc", "--throw-keyids", "-o", "hidden.gpg", "notes.txt").assertOk();
        String inspected = cli.run("pgp", "inspect", "hidden.gpg").assertOk().stdout();
        assertTrue(inspected.contains("recipient anonymous") && !inspected.contains(fingerprint.substring(24)), inspected);
        hsmkit("pgp", "decrypt", "-o", "hidden.out", "hidden.gpg").assertOk();
        assertArrayEquals(text, Files.readAllBytes(tmp.resolve("hidden.out")));
    }
}
