package org.hsmkit.core.openpgp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.hsmkit.testdata.ExternalTool;

/**
 * GnuPG 2.2 in a throwaway home directory: one per test class, because starting gpg-agent is the
 * slow part. Secret keys are imported without a passphrase; gpg runs in batch mode with the
 * loopback pinentry so it never asks.
 */
final class Gpg implements AutoCloseable {
    final Path home;
    final Path dir;

    private Gpg(Path home, Path dir) {
        this.home = home;
        this.dir = dir;
    }

    static Gpg start(Path dir) {
        ExternalTool.require("gpg", "gpg");
        ExternalTool.require("gpg-agent", "gpg-agent");
        try {
            // a short path: gpg-agent's socket lives in GNUPGHOME and socket paths are limited to ~100 bytes
            Path home = Files.createTempDirectory(Path.of("/tmp"), "gpg");
            Files.writeString(home.resolve("gpg-agent.conf"), "allow-loopback-pinentry\n");
            Files.writeString(home.resolve("gpg.conf"), "no-auto-key-locate\ntrust-model always\n");
            return new Gpg(home, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ExternalTool.Result run(String... args) {
        return run(null, args);
    }

    ExternalTool.Result run(byte[] stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("gpg", "--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""));
        cmd.addAll(List.of(args));
        return ExternalTool.run(dir, stdin, Map.of("GNUPGHOME", home.toString()), cmd);
    }

    /** The fingerprints gpg lists for a key, primary first. */
    List<String> fingerprints(String id) {
        String colons = run("--with-colons", "--list-keys", id).requireSuccess().stdoutText();
        return colons.lines().filter(l -> l.startsWith("fpr:")).map(l -> l.split(":")[9]).toList();
    }

    String text(ExternalTool.Result r) {
        return r.stderr() + new String(r.stdout(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        ExternalTool.run(dir, null, Map.of("GNUPGHOME", home.toString()), List.of("gpgconf", "--kill", "gpg-agent"));
        ExternalTool.run(dir, "rm", "-rf", home.toString());
    }
}
