package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code hsmkit random} on the soft token: sizes around the chunk boundary, the three formats,
 * binary output kept off terminals, and no file left behind on refusal. (The PKCS#11 path, where
 * the bytes come from C_GenerateRandom, is in {@link KeySoftHsmTest}.)
 */
class RandomCommandTest {
    @TempDir
    Path tmp;
    CliRun cli;
    String token;

    @BeforeEach
    void setUp() {
        cli = CliRun.in(tmp).withEnv("P", "random test");
        token = "soft:" + tmp.resolve("t.p12");
    }

    CliRun.Result random(CliRun runner, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "-t";
        all[1] = token;
        all[2] = "--pin-env";
        all[3] = "P";
        all[4] = "random";
        System.arraycopy(args, 0, all, 5, args.length);
        return runner.run(all);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, RandomCommand.CHUNK - 1, RandomCommand.CHUNK, RandomCommand.CHUNK + 1, 3 * RandomCommand.CHUNK + 7})
    void everyFormatGivesExactlyNBytes(int n) {
        String hex = random(cli, "--bytes", Integer.toString(n)).assertOk().stdout();
        assertTrue(hex.endsWith("\n"));
        assertEquals(n, HexFormat.of().parseHex(hex.strip()).length);
        assertTrue(hex.strip().matches("[0-9a-f]+"), "lower-case hex");

        String b64 = random(cli, "--bytes", Integer.toString(n), "--format", "base64").assertOk().stdout();
        assertEquals(n, Base64.getDecoder().decode(b64.strip()).length);

        byte[] raw = random(cli, "--bytes", Integer.toString(n), "--format", "raw").assertOk().stdoutBytes();
        assertEquals(n, raw.length);
    }

    @Test
    void twoDrawsDiffer() {
        assertNotEquals(random(cli, "--bytes", "32").stdout(), random(cli, "--bytes", "32").stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1"})
    void fewerThanOneByteIsAUsageError(String n) {
        CliRun.Result r = random(cli, "--bytes", n).assertExit(ExitCode.USAGE);
        assertTrue(r.errorLine().contains("--bytes must be at least 1"), r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void rawToATerminalIsRefusedButToAFileIsFine() throws Exception {
        CliRun terminal = cli.withTerminal();
        CliRun.Result r = random(terminal, "--bytes", "16", "--format", "raw").assertExit(ExitCode.USAGE);
        assertEquals("hsmkit: error: refusing to write binary data to the terminal", r.errorLine());
        assertTrue(r.hintLine().contains("-o FILE"));
        assertEquals(0, r.stdoutBytes().length);

        random(terminal, "--bytes", "16", "--format", "raw", "-o", "key.bin").assertOk();
        assertEquals(16, Files.size(tmp.resolve("key.bin")));
        random(terminal, "--bytes", "16").assertOk();
    }

    @Test
    void existingFileIsKeptUnlessForced() throws Exception {
        Path f = tmp.resolve("r.hex");
        Files.writeString(f, "old");
        CliRun.Result r = random(cli, "--bytes", "8", "-o", "r.hex").assertExit(ExitCode.USAGE);
        assertTrue(r.hintLine().contains("--force"));
        assertEquals("old", Files.readString(f));
        try (var dir = Files.list(tmp)) {
            assertFalse(dir.anyMatch(p -> p.getFileName().toString().endsWith(".partial")), "no temporary file left");
        }
        cli.run("-t", token, "--force", "random", "--bytes", "8", "-o", "r.hex").assertOk();
        assertEquals(17, Files.size(f));
    }

    @Test
    void chatterGoesToStderrAndQuietSilencesIt() {
        CliRun.Result r = random(cli, "--bytes", "4", "-o", "x").assertOk();
        assertEquals("", r.stdout());
        assertTrue(r.stderr().contains("4 random bytes from token 'hsmkit soft token' written to x"), r.stderr());
        CliRun.Result q = cli.run("-q", "-t", token, "random", "--bytes", "4");
        q.assertOk();
        assertEquals("", q.stderr());
        assertEquals(9, q.stdout().length());
    }
}
