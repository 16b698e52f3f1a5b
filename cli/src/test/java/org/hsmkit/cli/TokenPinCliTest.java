package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.schsm.SmartCardHsmFixture;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code token change-pin} and {@code token unblock-pin} on every kind of token: the soft token
 * (its passphrase), SoftHSM2, the SmartCard-HSM through OpenSC's PKCS#11 module and through
 * hsmkit's own driver. After a change the old PIN fails and the new one signs; a wrong current
 * PIN changes nothing and says how many tries are left; a PIN locked by wrong tries is unblocked
 * with the SO-PIN, and a wrong SO-PIN is refused; after {@code change-so-pin} only the new SO-PIN
 * sets a PIN.
 */
class TokenPinCliTest {
    @TempDir
    Path dir;

    private CliRun.Result run(List<String> token, String... args) {
        List<String> all = new ArrayList<>(token);
        all.addAll(List.of(args));
        CliRun.Result r = CliRun.in(dir).run(all.toArray(String[]::new));
        // messages name tokens as people know them, never by a class name
        assertFalse(r.stderr().contains("org.hsmkit."), r.stderr());
        return r;
    }

    private Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content + "\n");
    }

    /** A signature needs a login: it shows which PIN the token takes now. */
    private CliRun.Result signs(List<String> token, Path pinFile, String key) throws Exception {
        Files.writeString(dir.resolve("data.txt"), "signed after a PIN change\n");
        Files.deleteIfExists(dir.resolve("data.txt.p7s"));
        List<String> withPin = new ArrayList<>(token);
        withPin.addAll(List.of("--pin-file", pinFile.toString()));
        return run(withPin, "key", "csr", "--key", key, "--subject", "CN=PIN test", "-o", "-");
    }

    @Test
    void theSoftTokenChangesItsPassphrase() throws Exception {
        List<String> soft = List.of("-t", "soft:" + dir.resolve("t.p12"));
        Path old = file("old.pin", "first passphrase");
        Path next = file("new.pin", "second passphrase");
        run(List.of("-t", "soft:" + dir.resolve("t.p12"), "--pin-file", old.toString()), "key", "generate", "--type", "ec:P-256",
                "--label", "k").assertOk();

        CliRun.Result changed = run(List.of("-t", "soft:" + dir.resolve("t.p12"), "--pin-file", old.toString()), "token", "change-pin",
                "--new-pin-file", next.toString()).assertOk();
        assertTrue(changed.stderr().contains("hsmkit: changed the PIN of the soft token " + dir.resolve("t.p12")), changed.stderr());
        assertEquals("", changed.stdout());
        signs(soft, next, "k").assertOk();
        CliRun.Result refused = signs(soft, old, "k").assertExit(3);
        assertTrue(refused.stderr().contains("hsmkit: error:"), refused.stderr());

        // with a wrong current passphrase nothing changes
        run(List.of("-t", "soft:" + dir.resolve("t.p12"), "--pin-file", old.toString()), "token", "change-pin", "--new-pin-file",
                old.toString()).assertExit(3);
        signs(soft, next, "k").assertOk();
        CliRun.Result unblock = run(List.of("-t", "soft:" + dir.resolve("t.p12"), "--pin-file", next.toString()), "token",
                "unblock-pin", "--so-pin-file", old.toString(), "--new-pin-file", old.toString()).assertExit(3);
        assertTrue(unblock.stderr().contains("hsmkit: error: the soft token " + dir.resolve("t.p12") + " has no SO-PIN"),
                unblock.stderr());
    }

    @Test
    void atATerminalTheCurrentPinIsAskedFirstAndTheNewOneTwice() throws Exception {
        Path old = file("old.pin", "first passphrase");
        run(List.of("-t", "soft:" + dir.resolve("t.p12"), "--pin-file", old.toString()), "key", "generate", "--type", "ec:P-256",
                "--label", "k").assertOk();
        CliRun.Result differ = CliRun.in(dir).withTerminal("first passphrase", "second passphrase", "second passphrasE")
                .run("-t", "soft:" + dir.resolve("t.p12"), "token", "change-pin").assertExit(3);
        assertTrue(differ.stderr().contains("the two entries differ"), differ.stderr());
        signs(List.of("-t", "soft:" + dir.resolve("t.p12")), old, "k").assertOk(); // unchanged

        CliRun.Result changed = CliRun.in(dir).withTerminal("first passphrase", "second passphrase", "second passphrase")
                .run("-t", "soft:" + dir.resolve("t.p12"), "token", "change-pin").assertOk();
        assertEquals(3, changed.prompts().size(), changed.prompts().toString());
        assertFalse(changed.prompts().get(0).contains("new"), changed.prompts().toString()); // the current one first
        assertTrue(changed.prompts().get(1).startsWith("new passphrase for"), changed.prompts().toString());
        assertTrue(changed.prompts().get(2).contains("(again)"), changed.prompts().toString());
        signs(List.of("-t", "soft:" + dir.resolve("t.p12")), file("second.pin", "second passphrase"), "k").assertOk();
    }

    @Test
    void softHsmChangesAndUnblocksThroughPkcs11() throws Exception {
        try (SoftHsmToken hsm = SoftHsmToken.create("pin-change")) {
            List<String> token = List.of("--module", hsm.module().toString(), "-t", hsm.uri());
            run(List.of("--module", hsm.module().toString(), "-t", hsm.uri(), "--pin-file", hsm.pinFile().toString()), "key",
                    "generate", "--type", "ec:P-256", "--label", "k").assertOk();
            Path next = file("new.pin", "97531975");
            run(List.of("--module", hsm.module().toString(), "-t", hsm.uri(), "--pin-file", hsm.pinFile().toString()), "token",
                    "change-pin", "--new-pin-file", next.toString()).assertOk();
            signs(token, next, "k").assertOk();
            CliRun.Result wrong = signs(token, hsm.pinFile(), "k").assertExit(3);
            assertTrue(wrong.stderr().contains("wrong PIN"), wrong.stderr());

            // SoftHSM2 counts wrong PINs but never locks: the SO-PIN sets a new one all the same
            unblock(token, file("so.pin", SoftHsmToken.SO_PIN), "k");
        }
    }

    /** Wrong PINs until the token locks the PIN, then the SO-PIN sets a new one. */
    private void lockAndUnblock(List<String> token, Path goodPin, Path soPin, String key) throws Exception {
        Path bad = file("bad.pin", "000000000");
        List<String> badLogin = new ArrayList<>(token);
        badLogin.addAll(List.of("--allow-final-pin-try"));
        CliRun.Result r;
        int tries = 0;
        do {
            r = signs(badLogin, bad, key).assertExit(3);
            tries++;
        } while (!r.stderr().contains("locked") && tries < 20);
        assertTrue(r.stderr().contains("locked"), r.stderr());
        CliRun.Result locked = signs(token, goodPin, key).assertExit(3);
        assertTrue(locked.stderr().contains("hsmkit: hint: unlock it with the SO-PIN: hsmkit token unblock-pin"), locked.stderr());
        unblock(token, soPin, key);
    }

    private void unblock(List<String> token, Path soPin, String key) throws Exception {
        Path wrongSo = file("wrong-so.pin", "0102030405060708");
        Path after = file("after.pin", "86420864");
        CliRun.Result refused = run(token, "token", "unblock-pin", "--so-pin-file", wrongSo.toString(), "--new-pin-file",
                after.toString()).assertExit(3);
        assertTrue(refused.stderr().contains("wrong SO-PIN"), refused.stderr());
        CliRun.Result unblocked = run(token, "token", "unblock-pin", "--so-pin-file", soPin.toString(), "--new-pin-file",
                after.toString()).assertOk();
        assertTrue(unblocked.stderr().contains("its retry counter starts again"), unblocked.stderr());
        signs(token, after, key).assertOk();

        // a new SO-PIN: the old one no longer sets PINs, the new one does
        Path newSo = file("new-so.pin", "1122334455667788");
        CliRun.Result changed = run(token, "token", "change-so-pin", "--so-pin-file", soPin.toString(), "--new-so-pin-file",
                newSo.toString()).assertOk();
        assertTrue(changed.stderr().contains("changed the SO-PIN"), changed.stderr());
        Path last = file("last.pin", "24682468");
        CliRun.Result oldSo = run(token, "token", "unblock-pin", "--so-pin-file", soPin.toString(), "--new-pin-file", last.toString())
                .assertExit(3);
        assertTrue(oldSo.stderr().contains("wrong SO-PIN"), oldSo.stderr());
        run(token, "token", "unblock-pin", "--so-pin-file", newSo.toString(), "--new-pin-file", last.toString()).assertOk();
        signs(token, last, key).assertOk();
    }

    @Test
    void theSmartCardHsmChangesAndUnblocksThroughOpenscsModule() throws Exception {
        try (SmartCardHsmFixture card = SmartCardHsmFixture.insert(0, new SmartCardHsmSimulator())) {
            List<String> token = List.of("--module", card.module().toString(), "-t", "pkcs11:token=" + card.tokenLabel());
            run(List.of("--module", card.module().toString(), "-t", "pkcs11:token=" + card.tokenLabel(), "--pin-file",
                    card.pinFile().toString()), "key", "generate", "--type", "ec:P-256", "--label", "k").assertOk();
            Path next = file("new.pin", "97531975");
            run(List.of("--module", card.module().toString(), "-t", "pkcs11:token=" + card.tokenLabel(), "--pin-file",
                    card.pinFile().toString()), "token", "change-pin", "--new-pin-file", next.toString()).assertOk();
            signs(token, next, "k").assertOk();
            signs(token, card.pinFile(), "k").assertExit(3);
            lockAndUnblock(token, next, file("so.pin", SmartCardHsmSimulator.DEFAULT_SO_PIN), "k");
        }
    }

    @Test
    void theSmartCardHsmChangesAndUnblocksThroughHsmkitsDriver() throws Exception {
        CardCli.insert(0, new SmartCardHsmSimulator());
        try {
            List<String> token = List.of("-t", "card:" + CardCli.PCSC.readerName(0));
            Path delivered = file("delivered.pin", SmartCardHsmSimulator.DEFAULT_USER_PIN);
            List<String> first = new ArrayList<>(token);
            first.addAll(List.of("--pin-file", delivered.toString()));
            run(first, "key", "generate", "--type", "ec:P-256", "--label", "k").assertOk();

            Path shortPin = file("short.pin", "123");
            CliRun.Result tooShort = run(first, "token", "change-pin", "--new-pin-file", shortPin.toString()).assertExit(2);
            assertTrue(tooShort.stderr().contains("6 to 16"), tooShort.stderr());
            Path next = file("new.pin", "97531975");
            run(first, "token", "change-pin", "--new-pin-file", next.toString()).assertOk();
            signs(token, next, "k").assertOk();
            CliRun.Result old = signs(token, delivered, "k").assertExit(3);
            assertTrue(old.stderr().contains("tries are left") || old.stderr().contains("one try is left"), old.stderr());
            lockAndUnblock(token, next, file("so.pin", SmartCardHsmSimulator.DEFAULT_SO_PIN), "k");
        } finally {
            CardCli.PCSC.remove(0);
        }
    }
}
