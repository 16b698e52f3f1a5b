package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hsmkit token list|info} on the soft token: no passphrase asked, the file shown. */
class TokenCommandTest {
    @TempDir
    Path tmp;

    @Test
    void listShowsTheSoftTokenFileBeforeAndAfterItsCreation() {
        Path file = tmp.resolve("t.p12");
        CliRun cli = CliRun.in(tmp);
        CliRun.Result before = cli.run("-t", "soft:" + file, "token", "list").assertOk();
        List<String> lines = before.stdout().lines().toList();
        assertEquals("file:   " + file, lines.get(0));
        assertTrue(lines.get(1).startsWith("SLOT  LABEL"), before.stdout());
        assertTrue(lines.get(2).startsWith("-     hsmkit soft token"), before.stdout());
        assertTrue(lines.get(2).contains("not initialised"), before.stdout());
        assertFalse(Files.exists(file), "listing creates nothing");

        cli.withEnv("P", "pass").run("-t", "soft:" + file, "--pin-env", "P", "key", "generate", "--type", "ec:P-256",
                "--label", "k").assertOk();
        CliRun.Result after = cli.run("-t", "soft:" + file, "token", "list").assertOk();
        assertTrue(after.stdout().contains(" ok "), after.stdout());
        assertTrue(after.stdout().contains("soft:" + file), after.stdout());
    }

    @Test
    void infoNeedsNoPassphrase() {
        Path file = tmp.resolve("t.p12");
        CliRun.Result r = CliRun.in(tmp).run("-t", "soft:" + file, "token", "info").assertOk();
        assertTrue(r.stdout().contains("kind:         soft"), r.stdout());
        assertTrue(r.stdout().contains("file:         " + file), r.stdout());
        assertTrue(r.stdout().contains("label:        hsmkit soft token"), r.stdout());
        assertTrue(r.stdout().contains("uri:          soft:" + file), r.stdout());
        assertEquals("", r.stderr());
    }

    @Test
    void relativeSoftTokenPathsAreRelativeToTheWorkingDirectory() {
        CliRun.Result r = CliRun.in(tmp).run("-t", "soft:keys/t.p12", "token", "info").assertOk();
        assertTrue(r.stdout().contains("file:         " + tmp.resolve("keys/t.p12")), r.stdout());
    }

    @Test
    void hsmkitTokenFromTheEnvironmentIsUsedWhenNoOptionIsGiven() {
        Path file = tmp.resolve("env.p12");
        CliRun.Result r = CliRun.in(tmp).withEnv("HSMKIT_TOKEN", "soft:" + file).run("token", "info").assertOk();
        assertTrue(r.stdout().contains("file:         " + file), r.stdout());
    }

    @Test
    void theDefaultSoftTokenLivesWhereTheEnvironmentOfTheRunSays() {
        Path xdg = tmp.resolve("xdg");
        CliRun.Result r = CliRun.in(tmp).withEnv("XDG_DATA_HOME", xdg.toString()).withEnv("HOME", tmp.resolve("home").toString())
                .run("token", "info").assertOk();
        assertTrue(r.stdout().contains(xdg.resolve("hsmkit/soft-token.p12").toString()), r.stdout());
        CliRun.Result home = CliRun.in(tmp).withEnv("HOME", tmp.resolve("home").toString()).run("token", "info").assertOk();
        assertTrue(home.stdout().contains(tmp.resolve("home/.local/share/hsmkit/soft-token.p12").toString()), home.stdout());
    }
}
