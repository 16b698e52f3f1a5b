package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** -o naming a device or a named pipe: written into, neither refused as "exists" nor replaced by a file. */
class SpecialOutputCliTest {
    @TempDir
    static Path dir;
    static CmsCliFixture cli;

    @BeforeAll
    static void fixture() {
        cli = new CmsCliFixture(dir);
    }

    @Test
    void devNullIsAnOutputAndStaysADevice() throws Exception {
        cli.write("null.bin", 5000, 1);
        CmsCliFixture.Result r = cli.run("encrypt", "-r", "bob-p256.pem", "-o", "/dev/null", "null.bin");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(false, Files.isRegularFile(Path.of("/dev/null")));
        assertEquals(0, cli.run("sign", "--key", "bob-p256", "-o", "/dev/null", "null.bin").exit());
    }

    @Test
    void aNamedPipeReceivesTheDecryptedBytes() throws Exception {
        Path plain = cli.write("pipe.bin", 70_000, 2);
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "pipe.bin").exit());
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(fifo);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CmsCliFixture.Result r = cli.run("decrypt", "-o", "fifo", "pipe.bin.p7m");
        assertEquals(0, r.exit(), r.stderr());
        assertArrayEquals(Files.readAllBytes(plain), reader.get(30, TimeUnit.SECONDS));
        assertEquals(false, Files.isRegularFile(fifo));
    }
}
