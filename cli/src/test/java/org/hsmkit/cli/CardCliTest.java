package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hsmkit card …} and the card-only key commands, on a simulated SmartCard-HSM, without share files. */
class CardCliTest {
    @TempDir
    static Path dir;
    static SmartCardHsmSimulator sim;
    static CliRun cli;

    @BeforeAll
    static void card() throws Exception {
        sim = CardCli.insert(0, SmartCardHsmSimulator.builder().dkekShares(1).build());
        cli = CardCli.in(dir);
        CardCli.testRoot(dir);
    }

    @AfterAll
    static void out() {
        CardCli.PCSC.remove(0);
    }

    @Test
    void helpListsTheCardCommands() {
        String help = cli.run("--help").assertOk().stdout();
        assertTrue(help.contains("card"), help);
        String card = cli.run("card", "--help").assertOk().stdout();
        for (String sub : new String[] {"info", "init", "dkek", "verify-device"}) {
            assertTrue(card.contains(sub), card);
        }
    }

    @Test
    void infoShowsTheDeviceWithoutSpendingAPinTry() {
        int tries = sim.userPinTriesLeft();
        String out = cli.run(CardCli.on(0, "card", "info")).assertOk().stdout();
        assertTrue(out.contains("serial:       " + sim.serial()), out);
        assertTrue(out.contains("1 share, 1 still to import"), out);
        assertTrue(out.contains("(" + tries + " tries left)"), out);
        assertEquals(tries, sim.userPinTriesLeft());
        String token = cli.run(CardCli.on(0, "token", "info")).assertOk().stdout();
        assertTrue(token.contains("reader:       " + CardCli.PCSC.readerName(0) + "\n"), "a reader, not a module: " + token);
        assertTrue(token.contains("serial:       " + sim.serial()), token);
        String json = cli.run(CardCli.on(0, "card", "info", "--json")).assertOk().stdout();
        assertTrue(json.contains("\"serial\" : \"" + sim.serial() + "\""), json);
        assertTrue(json.contains("\"pinTriesLeft\" : " + tries + ","), json);
        // no key check value while a share is outstanding, as card dkek status --json
        assertTrue(json.contains("\"dkek\" : {\n    \"shares\" : 1,\n    \"outstanding\" : 1\n  }"), json);
    }

    /** The key check value reads the same in card info, its JSON and card dkek status --json: hex, as sc-hsm-tool prints it. */
    @Test
    void infoJsonGivesTheKeyCheckValueInHexAsTheTextDoes() {
        SmartCardHsmSimulator complete = SmartCardHsmSimulator.builder().dkekShares(0).build();
        CardCli.PCSC.remove(0);
        CardCli.insert(0, complete);
        try {
            String text = cli.run(CardCli.on(0, "card", "info")).assertOk().stdout();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("key check value ([0-9A-F]{16})").matcher(text);
            assertTrue(m.find(), text);
            String json = cli.run(CardCli.on(0, "card", "info", "--json")).assertOk().stdout();
            assertTrue(json.contains("\"keyCheckValue\" : \"" + m.group(1) + "\""), json);
            String status = cli.run(CardCli.on(0, "card", "dkek", "status", "--json")).assertOk().stdout();
            assertTrue(status.contains("\"keyCheckValue\" : \"" + m.group(1) + "\""), status);
        } finally {
            CardCli.PCSC.remove(0);
            CardCli.insert(0, sim);
        }
    }

    @Test
    void aReaderNameThatMatchesNothingIsAKeyErrorListingTheReaders() {
        CliRun.Result r = cli.run("-t", "card:no-such-reader", "card", "info").assertExit(3);
        assertTrue(r.errorLine().contains("no card reader matches 'no-such-reader'"), r.stderr());
        assertTrue(r.errorLine().contains(CardCli.PCSC.readerName(0)) && r.errorLine().contains(CardCli.PCSC.readerName(1)),
                r.stderr());
        assertTrue(r.hintLine().contains("card:"), r.stderr());
    }

    @Test
    void cardCommandsRefuseAnotherKindOfToken() {
        CliRun.Result r = cli.run("-t", "soft:" + dir.resolve("t.p12"), "card", "info").assertExit(2);
        assertTrue(r.hintLine().contains("-t card:"), r.stderr());
    }

    @Test
    void initRefusesWithoutYesAndLeavesTheDeviceAsItWas() {
        int keys = sim.keyReferences().size();
        CliRun.Result r = cli.withEnv("SO", SmartCardHsmSimulator.DEFAULT_SO_PIN)
                .run(CardCli.on(0, "card", "init", "--so-pin-env", "SO", "--dkek-shares", "2")).assertExit(2);
        assertTrue(r.errorLine().contains("deletes every key"), r.stderr());
        assertTrue(r.hintLine().contains("--yes"), r.stderr());
        assertEquals(keys, sim.keyReferences().size());
        assertTrue(cli.run(CardCli.on(0, "card", "info")).stdout().contains("DKEK:         1 share, "), "the number of shares is still the one set before");
    }

    @Test
    void initWithYesSetsBothPinsTheLabelAndTheDkekSharesOnANewDevice() {
        SmartCardHsmSimulator fresh = CardCli.insert(1, SmartCardHsmSimulator.builder().uninitialized().build());
        try {
            CliRun init = cli.withEnv("SO", SmartCardHsmSimulator.DEFAULT_SO_PIN).withEnv(CardCli.PIN_VAR, "24681357");
            String before = init.run(CardCli.on(1, "card", "info")).assertOk().stdout();
            assertTrue(before.contains("transport PIN"), before);
            init.run(CardCli.on(1, "card", "init", "--yes", "--so-pin-env", "SO", "--dkek-shares", "2",
                    "--pin-retries", "5", "--label", "signing A")).assertOk();
            String after = init.run(CardCli.on(1, "card", "info")).assertOk().stdout();
            assertTrue(after.contains("label:        signing A"), after);
            assertTrue(after.contains("user PIN:     ok (5 tries left)"), after);
            assertTrue(after.contains("DKEK:         2 shares, 2 still to import"), after);
            init.run(CardCli.on(1, "key", "generate", "--type", "ec:P-256", "--label", "first")).assertOk();
            assertEquals(1, fresh.keyReferences().size(), "the new user PIN logs in");
            CliRun.Result old = cli.run(CardCli.on(1, "key", "list")).assertOk();
            assertTrue(old.stdout().contains("first"), "listing needs no PIN: " + old.stdout());
            cli.run(CardCli.on(1, "key", "delete", "--key", "first", "--yes")).assertExit(3);
            assertEquals(4, fresh.userPinTriesLeft(), "the delivery PIN is no longer the PIN");
        } finally {
            CardCli.PCSC.remove(1);
        }
    }

    @Test
    void verifyDeviceFailsUnderTheShippedRootAndPassesUnderTheTestRoot() {
        CliRun.Result shipped = cli.run(CardCli.on(0, "card", "verify-device")).assertExit(1);
        assertTrue(shipped.stdout().contains("FAILED   chain ends at DESRCACC100001"), shipped.stdout());
        assertTrue(shipped.stdout().contains("ok       device holds the key of"), shipped.stdout());
        assertTrue(shipped.stdout().contains("result:       NOT verified"), shipped.stdout());
        assertTrue(shipped.stderr().isEmpty(), "a verdict, not an error: " + shipped.stderr());
        CliRun.Result test = cli.run(CardCli.on(0, "card", "verify-device", "--root", "test-root.cvc")).assertOk();
        assertTrue(test.stdout().contains("serial:       " + sim.serial()), test.stdout());
        assertTrue(test.stdout().contains("result:       genuine SmartCard-HSM under the root given with --root (UTSRCACC100001)"),
                test.stdout());
        CliRun.Result json = cli.run(CardCli.on(0, "card", "verify-device", "--root", "test-root.cvc", "--json")).assertOk();
        assertTrue(json.stdout().contains("\"genuine\" : true"), json.stdout());
    }

    @Test
    void aKeyWithAUseCounterAndItsAttestation() throws Exception {
        CliRun.Result gen = cli.run(CardCli.on(0, "key", "generate", "--type", "ec:P-256", "--label", "ca-key", "--id", "0c",
                "--use-counter", "1", "--attestation", "ca-key.att")).assertOk();
        assertTrue(gen.stderr().contains("usable 1 time"), gen.stderr());
        assertTrue(Files.size(dir.resolve("ca-key.att")) > 100);
        String list = cli.run(CardCli.on(0, "key", "list")).assertOk().stdout();
        assertTrue(list.lines().anyMatch(l -> l.startsWith("0c") && l.contains("ca-key") && l.contains(" 1 ")), list);
        assertTrue(list.contains("USES LEFT"), list);
        cli.run(CardCli.on(0, "key", "verify-attestation", "ca-key.att", "--root", "test-root.cvc", "--key", "ca-key")).assertOk();
        cli.run("key", "verify-attestation", "ca-key.att").assertExit(1);

        // a CSR costs one signature
        cli.run(CardCli.on(0, "key", "csr", "--key", "ca-key", "--subject", "CN=CA", "-o", "ca.csr")).assertOk();
        CliRun.Result spent = cli.run(CardCli.on(0, "key", "csr", "--key", "ca-key", "--subject", "CN=CA", "-o", "ca2.csr"))
                .assertExit(3);
        assertTrue(spent.errorLine().contains("no uses left"), spent.stderr());
        assertFalse(Files.exists(dir.resolve("ca2.csr")));
        String info = cli.run(CardCli.on(0, "key", "info", "--key", "ca-key")).assertOk().stdout();
        assertTrue(info.contains("uses left:    0"), info);

        // through OpenSC's module the card's answer arrives as CKR_GENERAL_ERROR: the hint names the likely cause
        CliRun.Result viaOpensc = cli.run("--module", org.hsmkit.testdata.schsm.SmartCardHsmFixture.openscModule().toString(),
                "-t", "pkcs11:serial=" + sim.serial(), "--pin-env", CardCli.PIN_VAR,
                "key", "csr", "--key", "ca-key", "--subject", "CN=CA", "-o", "ca3.csr").assertExit(3);
        assertTrue(viaOpensc.errorLine().endsWith("CKR_GENERAL_ERROR"), viaOpensc.stderr());
        assertEquals("hsmkit: hint: a SmartCard-HSM answers so for a key whose use counter is spent;"
                + " 'hsmkit -t card: key list' shows the uses left", viaOpensc.hintLine());
        assertFalse(Files.exists(dir.resolve("ca3.csr")));
    }

    @Test
    void aCaKeyWithAUseCounterSaysHowManyIssuancesAreLeftAndStopsWhenSpent() throws Exception {
        // three signatures: the self-signed root, then two certificates
        cli.run(CardCli.on(0, "key", "generate", "--type", "ec:P-256", "--label", "counted-ca", "--use-counter", "3")).assertOk();
        cli.run(CardCli.on(0, "ca", "init", "--ca", "counted", "--key", "counted-ca", "--subject", "CN=Counted CA")).assertOk();
        for (String who : new String[] {"one", "two", "three"}) {
            org.hsmkit.testdata.ExternalTool.run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", who + ".key", "-subj", "/CN=" + who, "-out", who + ".csr").requireSuccess();
        }
        CliRun.Result first = cli.run(CardCli.on(0, "ca", "issue", "--ca", "counted", "--profile", "tls-client", "--yes",
                "-o", "one.crt", "one.csr")).assertOk();
        assertTrue(first.stderr().contains("the CA key has 1 signature(s) left"), first.stderr());
        CliRun.Result second = cli.run(CardCli.on(0, "ca", "issue", "--ca", "counted", "--profile", "tls-client", "--yes",
                "-o", "two.crt", "two.csr")).assertOk();
        assertTrue(second.stderr().contains("the CA key has 0 signature(s) left"), second.stderr());

        CliRun.Result spent = cli.run(CardCli.on(0, "ca", "issue", "--ca", "counted", "--profile", "tls-client", "--yes",
                "-o", "three.crt", "three.csr")).assertExit(3);
        assertTrue(spent.errorLine().contains("no uses left"), spent.stderr());
        assertFalse(Files.exists(dir.resolve("three.crt")));
        String list = cli.run("ca", "list", "--ca", "counted").assertOk().stdout();
        assertTrue(list.contains("CN=one") && list.contains("CN=two") && !list.contains("CN=three"), list);
    }

    @Test
    void aCardOnlyOptionOnAnotherTokenIsAKeyErrorBeforeAnythingIsMade() {
        CliRun.Result r = cli.withEnv("P", "passphrase-1234").run("-t", "soft:" + dir.resolve("soft.p12"), "--pin-env", "P",
                "key", "generate", "--type", "ec:P-256", "--label", "x", "--use-counter", "3").assertExit(3);
        assertTrue(r.errorLine().contains("needs a SmartCard-HSM"), r.stderr());
        assertTrue(r.errorLine().endsWith("not the soft token " + dir.resolve("soft.p12")), r.stderr()); // not a class name
    }

    @Test
    void aVeraCryptKeyfileFromTheCardsGeneratorReadableByOpenscsTool() throws Exception {
        cli.run(CardCli.on(0, "data", "write", "--random", "64", "--label", "veracrypt")).assertOk();
        String list = cli.run(CardCli.on(0, "data", "list")).assertOk().stdout();
        assertTrue(list.contains("veracrypt"), list);
        cli.run(CardCli.on(0, "data", "read", "--label", "veracrypt", "-o", "keyfile")).assertOk();
        assertEquals(64, Files.size(dir.resolve("keyfile")));
        org.hsmkit.testdata.ExternalTool.run(dir, null, CardCli.PCSC.environment(), java.util.List.of("pkcs11-tool", "--module",
                org.hsmkit.testdata.schsm.SmartCardHsmFixture.openscModule().toString(), "--login", "--pin",
                SmartCardHsmSimulator.DEFAULT_USER_PIN, "--read-object", "--type", "data", "--label", "veracrypt", "-o",
                "keyfile.opensc")).requireSuccess();
        org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(dir.resolve("keyfile")),
                Files.readAllBytes(dir.resolve("keyfile.opensc")));
        cli.run(CardCli.on(0, "data", "delete", "--label", "veracrypt", "--yes")).assertOk();
        cli.run(CardCli.on(0, "data", "read", "--label", "veracrypt", "-o", "again")).assertExit(3);
        assertFalse(Files.exists(dir.resolve("again")));
    }

    @Test
    void aBadShareFileIsRefusedBeforeAnyPasswordIsAskedFor() throws Exception {
        Files.write(dir.resolve("short.dkek"), new byte[63]);
        CliRun.Result r = cli.withTerminal("never asked").run(CardCli.on(0, "card", "dkek", "import", "short.dkek")).assertExit(4);
        assertTrue(r.errorLine().contains("63 bytes"), r.stderr());
        assertTrue(r.prompts().isEmpty(), r.prompts().toString());
        cli.run(CardCli.on(0, "card", "dkek", "import", "missing.dkek")).assertExit(5);
    }

    /** The same share file imported twice: the device takes it and its DKEK becomes zero; hsmkit says so, and how to recover. */
    @Test
    void aShareFileImportedTwiceIsAKeyErrorAndTheStatusShowsTheZeroDkek() throws Exception {
        try (java.io.InputStream in = CardCliTest.class.getResourceAsStream("/card-vectors/sc-hsm-tool-password.dkek")) {
            Files.copy(in, dir.resolve("custodian.dkek"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        CardCli.insert(1, SmartCardHsmSimulator.builder().dkekShares(2).build());
        try {
            CliRun pw = cli.withEnv("SHARE_PW", "custodian password 1");
            pw.run(CardCli.on(1, "card", "dkek", "import", "custodian.dkek", "--password-env", "SHARE_PW")).assertOk();
            CliRun.Result twice = pw.run(CardCli.on(1, "card", "dkek", "import", "custodian.dkek", "--password-env", "SHARE_PW"))
                    .assertExit(3);
            assertTrue(twice.errorLine().endsWith("is now all zeros: its shares cancel out (was a share file imported twice?),"
                    + " so anyone could unwrap its key backups; hsmkit will back up no key under it"), twice.stderr());
            assertEquals("hsmkit: hint: initialise the device again (hsmkit card init --dkek-shares 2 --yes, which wipes it)"
                    + " and import each custodian's share once", twice.hintLine());
            assertTrue(twice.stdout().isEmpty(), twice.stdout());
            String status = cli.run(CardCli.on(1, "card", "dkek", "status")).assertOk().stdout();
            assertTrue(status.contains("key check:    66687AADF862BD77 (ALL ZEROS: the shares cancel out;"), status);
            String json = cli.run(CardCli.on(1, "--json", "card", "dkek", "status")).assertOk().stdout();
            assertTrue(json.contains("\"keyCheckValue\" : \"66687AADF862BD77\"") && json.contains("\"allZeros\" : true"), json);
        } finally {
            CardCli.PCSC.remove(1);
        }
    }

    /**
     * OpenPGP with a card key through hsmkit's own SmartCard-HSM driver ({@code -t card:}): the
     * creation time kept on the card gives the same fingerprint twice, the card decrypts (ECDH)
     * and signs inside an encryption, and the signature is checked on decryption.
     */
    @Test
    void openPgpWithACardKeyThroughHsmkitsOwnDriver() throws Exception {
        Files.writeString(dir.resolve("memo.txt"), "card memo\n");
        cli.run(CardCli.on(0, "key", "generate", "--type", "ec:P-256", "--label", "pgp-card")).assertOk();
        CliRun.Result first = cli.run(CardCli.on(0, "pgp", "export", "--key", "pgp-card", "--encryption-key", "pgp-card",
                "--user-id", "Card <card@example.org>", "-o", "card.asc")).assertOk();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("certificate ([0-9A-F]{40})").matcher(first.stderr());
        assertTrue(m.find(), first.stderr());
        CliRun.Result again = cli.run(CardCli.on(0, "pgp", "export", "--key", "pgp-card", "--user-id", "Card <card@example.org>",
                "-o", "-")).assertOk();
        assertTrue(again.stderr().contains("certificate " + m.group(1)), again.stderr());

        cli.run(CardCli.on(0, "pgp", "encrypt", "-r", "card.asc", "--sign-with", "pgp-card", "-o", "memo.gpg", "memo.txt")).assertOk();
        CliRun.Result d = cli.run(CardCli.on(0, "pgp", "decrypt", "--keyring", "card.asc", "-o", "memo.out", "memo.gpg")).assertOk();
        assertTrue(d.stderr().contains("good signature from \"Card <card@example.org>\""), d.stderr());
        assertEquals("card memo\n", Files.readString(dir.resolve("memo.out")));
        cli.run(CardCli.on(0, "key", "delete", "--key", "pgp-card", "--yes")).assertOk();
    }
}
