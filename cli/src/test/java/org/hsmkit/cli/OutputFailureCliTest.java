package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.hsmkit.testdata.ExternalTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails half-way (here: the process's file size limit, {@code ulimit -f}, standing in
 * for a full disk) leaves nothing at the target and no temporary file behind. The CLI runs as its
 * own process so that the limit applies to it alone.
 */
class OutputFailureCliTest {
    @TempDir
    static Path dir;
    static CmsCliFixture cli;

    @BeforeAll
    static void fixture() throws Exception {
        cli = new CmsCliFixture(dir);
        cli.write("big.bin", 3 << 20, 7);
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "-o", "big.p7m", "big.bin").exit());
        Files.move(dir.resolve("big.bin"), dir.resolve("original.bin"));
    }

    /** Runs the CLI in a shell with a 1 MiB file size limit. */
    private static ExternalTool.Result limited(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder cmd = new StringBuilder("ulimit -f 1024; exec '" + java + "' -XX:-UsePerfData -cp '"
                + System.getProperty("java.class.path") + "' org.hsmkit.cli.Main -t 'soft:" + cli.tokenFile + "' --pin-env "
                + CmsCliFixture.PIN_VAR);
        for (String a : args) {
            cmd.append(" '").append(a).append("'");
        }
        return ExternalTool.run(dir, null, Map.of(CmsCliFixture.PIN_VAR, CmsCliFixture.PASSPHRASE), List.of("bash", "-c", cmd.toString()));
    }

    @Test
    void aFailingWriteDuringDecryptionLeavesNothing() throws Exception {
        ExternalTool.Result r = limited("decrypt", "-o", "big.out", "big.p7m");
        assertEquals(5, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("hsmkit: error: "), r.stderr());
        assertFalse(Files.exists(dir.resolve("big.out")));
        assertEquals(List.of(), cli.partials());
    }

    @Test
    void aFailingWriteDuringEncryptionLeavesNothing() throws Exception {
        ExternalTool.Result r = limited("encrypt", "-r", "bob-p256.pem", "-o", "again.p7m", "original.bin");
        assertEquals(5, r.exitCode(), r.stderr());
        assertFalse(Files.exists(dir.resolve("again.p7m")));
        assertEquals(List.of(), cli.partials());
    }
}
