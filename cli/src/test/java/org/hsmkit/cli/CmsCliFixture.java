package org.hsmkit.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;

/**
 * A working directory with the test PKI's files and a software token holding some test users'
 * keys, and a way to run the CLI in it as a user would (through {@link HsmkitCli#run}).
 */
final class CmsCliFixture {
    static final String PIN_VAR = "HSMKIT_TEST_PASSPHRASE";
    static final String PASSPHRASE = "soft-token-passphrase";
    /** Two keys only: the soft token derives a key per stored key at every opening, on purpose slowly. */
    static final List<TestUser> ON_TOKEN = List.of(TestUser.ALICE_RSA2048, TestUser.BOB_P256);

    final Path dir;
    final Path tokenFile;

    record Result(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    CmsCliFixture(Path dir) {
        this.dir = dir;
        TestPki.standard().writeTo(dir);
        this.tokenFile = dir.resolve("token.p12");
        try (Token t = TokenSpec.parse("soft:" + tokenFile).open(new TokenOptions(Optional.empty(),
                PinSource.of(PASSPHRASE.toCharArray()), false))) {
            for (TestUser u : ON_TOKEN) {
                TestPki.Credential c = TestPki.standard().user(u);
                t.importKey(c.privateKey(), c.chain(), u.fileName(), null);
            }
        }
    }

    /** Adds a further key without any certificate (as pkcs11-tool would make it), under {@code label}. */
    void importKeyWithoutCertificate(TestPki.Credential c, String label) {
        try (Token t = TokenSpec.parse("soft:" + tokenFile).open(new TokenOptions(Optional.empty(),
                PinSource.of(PASSPHRASE.toCharArray()), false))) {
            t.importKey(c.privateKey(), List.of(), label, null);
        }
    }

    /** Adds a further key with its chain to the token, under {@code label}. */
    void importKey(TestPki.Credential c, String label) {
        try (Token t = TokenSpec.parse("soft:" + tokenFile).open(new TokenOptions(Optional.empty(),
                PinSource.of(PASSPHRASE.toCharArray()), false))) {
            t.importKey(c.privateKey(), c.chain(), label, null);
        }
    }

    Result run(String... args) {
        return runWithInput(new byte[0], args);
    }

    /** Runs {@code hsmkit -t soft:TOKEN --pin-env VAR ARGS} in the directory. */
    Result runWithInput(byte[] stdin, String... args) {
        return runWith(stdin, Map.of(), args);
    }

    /** The same with further environment variables. */
    Result runWithEnv(Map<String, String> extraEnv, String... args) {
        return runWith(new byte[0], extraEnv, args);
    }

    private Result runWith(byte[] stdin, Map<String, String> extraEnv, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Result r = runWith(new ByteArrayInputStream(stdin), out, extraEnv, args);
        return new Result(r.exit(), out.toByteArray(), r.stderr());
    }

    /** With the caller's standard input and output (the result's stdout is then empty). */
    Result runWithStreams(InputStream stdin, OutputStream stdout, String... args) {
        return runWith(stdin, stdout, Map.of(), args);
    }

    private Result runWith(InputStream stdin, OutputStream stdout, Map<String, String> extraEnv, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>();
        env.put(PIN_VAR, PASSPHRASE);
        env.putAll(extraEnv);
        CliContext ctx = new CliContext(stdin, new PrintStream(stdout, true), new PrintStream(err, true), env, dir);
        String[] full = new String[args.length + 4];
        full[0] = "-t";
        full[1] = "soft:" + tokenFile;
        full[2] = "--pin-env";
        full[3] = PIN_VAR;
        System.arraycopy(args, 0, full, 4, args.length);
        int code = HsmkitCli.run(ctx, full);
        return new Result(code, new byte[0], err.toString(StandardCharsets.UTF_8));
    }

    Path write(String name, int size, long seed) throws java.io.IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    /** Files in the directory whose names mark them as left-over temporary outputs. */
    List<Path> partials() throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".partial")).toList();
        }
    }
}
