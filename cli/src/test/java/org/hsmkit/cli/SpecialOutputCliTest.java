package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * -o naming a device or a named pipe: written into, neither refused as "exists" nor replaced by a
 * file. Ciphertext reaches standard output or a pipe as it is made; decrypted content only once it
 * is authenticated.
 */
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
        CompletableFuture<byte[]> reader = fifoReadBy(fifo);
        CmsCliFixture.Result r = cli.run("decrypt", "-o", "fifo", "pipe.bin.p7m");
        assertEquals(0, r.exit(), r.stderr());
        assertArrayEquals(Files.readAllBytes(plain), reader.get(30, TimeUnit.SECONDS));
        assertEquals(false, Files.isRegularFile(fifo));
    }

    @Test
    void aNamedPipeWhoseDecryptionFailsGivesItsReaderAnEmptyStreamNotAHang() throws Exception {
        cli.write("altered.bin", 70_000, 3);
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "altered.bin").exit());
        byte[] p7m = Files.readAllBytes(dir.resolve("altered.bin.p7m"));
        p7m[p7m.length - 1] ^= 1; // the GCM tag: found only after the whole content was decrypted
        Files.write(dir.resolve("altered.bin.p7m"), p7m);
        CompletableFuture<byte[]> reader = fifoReadBy(dir.resolve("altered-fifo"));
        CmsCliFixture.Result r = cli.run("decrypt", "-o", "altered-fifo", "altered.bin.p7m");
        assertNotEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().startsWith("hsmkit: error: "), r.stderr());
        assertEquals(0, reader.get(30, TimeUnit.SECONDS).length, "the reader saw the end, and none of the unauthenticated bytes");
    }

    @Test
    void aNamedPipeWhoseEncryptionFailsBeforeItsFirstByteGivesItsReaderAnEmptyStream() throws Exception {
        CompletableFuture<byte[]> reader = fifoReadBy(dir.resolve("early-fifo"));
        java.io.InputStream failing = new java.io.InputStream() {
            @Override
            public int read() throws java.io.IOException {
                throw new java.io.IOException("the source went away");
            }
        };
        CmsCliFixture.Result r = cli.runWithStreams(failing, new java.io.ByteArrayOutputStream(),
                "encrypt", "-r", "alice-rsa2048.pem", "-o", "early-fifo", "-");
        assertEquals(5, r.exit(), r.stderr());
        assertEquals(0, reader.get(30, TimeUnit.SECONDS).length);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // waking a reader must not wait for one
    void aFailureWithoutAReaderOnTheNamedPipeDoesNotWaitForOne() throws Exception {
        Path fifo = mkfifo("unread-fifo");
        Files.write(dir.resolve("nobody-reads.bin.p7m"), new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});
        CmsCliFixture.Result damaged = cli.run("decrypt", "-o", fifo.getFileName().toString(), "nobody-reads.bin.p7m");
        assertEquals(4, damaged.exit(), damaged.stderr());
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the named pipe is left as it was");
    }

    /** 6 MiB of input that pauses after 4 MiB until {@link #resume} (or 20 s), or fails there. */
    private static final class PausingInput extends java.io.InputStream {
        static final int PAUSE_AT = 4 << 20;
        final byte[] data = new byte[6 << 20];
        final java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
        final AtPause atPause;
        int served;
        volatile boolean waitedInVain;

        /** What the input does once it has served {@link #PAUSE_AT} bytes. */
        enum AtPause {
            /** Waits until {@link #resume} is counted down, then serves the rest. */
            WAIT,
            /** Waits as {@link #WAIT}, then fails: the output below has received bytes for sure. */
            WAIT_THEN_FAIL,
            /** Fails at once. */
            FAIL
        }

        PausingInput(AtPause atPause) {
            new java.util.Random(12).nextBytes(data);
            this.atPause = atPause;
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (served == PAUSE_AT) {
                if (atPause != AtPause.FAIL) {
                    try {
                        waitedInVain = !resume.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                if (atPause != AtPause.WAIT) {
                    throw new java.io.IOException("the source went away");
                }
            }
            if (served == data.length) {
                return -1;
            }
            int limit = served < PAUSE_AT ? PAUSE_AT : data.length;
            int n = Math.min(len, limit - served);
            System.arraycopy(data, served, b, off, n);
            served += n;
            return n;
        }
    }

    /** Standard output that lets the input go on once it has received 1 MiB. */
    private static java.io.ByteArrayOutputStream resumingAfterOneMebibyte(PausingInput in) {
        return new java.io.ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                super.write(b, off, len);
                if (size() >= 1 << 20) {
                    in.resume.countDown();
                }
            }
        };
    }

    @Test
    void ciphertextReachesStandardOutputWhileTheInputIsStillOpen() throws Exception {
        PausingInput in = new PausingInput(PausingInput.AtPause.WAIT);
        java.io.ByteArrayOutputStream out = resumingAfterOneMebibyte(in);
        CmsCliFixture.Result r = cli.runWithStreams(in, out, "encrypt", "-r", "alice-rsa2048.pem", "-");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(false, in.waitedInVain, "1 MiB of ciphertext had reached standard output while the input paused at 4 MiB");
        CmsCliFixture.Result back = cli.runWithInput(out.toByteArray(), "decrypt", "-");
        assertEquals(0, back.exit(), back.stderr());
        assertArrayEquals(in.data, back.stdout());
    }

    @Test
    void aSignatureWithItsContentReachesStandardOutputWhileTheInputIsStillOpen() throws Exception {
        PausingInput in = new PausingInput(PausingInput.AtPause.WAIT);
        java.io.ByteArrayOutputStream out = resumingAfterOneMebibyte(in);
        CmsCliFixture.Result r = cli.runWithStreams(in, out, "sign", "--key", "bob-p256", "--attached", "-");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(false, in.waitedInVain, "1 MiB of the signed file had reached standard output while the input paused");
        Files.write(dir.resolve("streamed.p7s"), out.toByteArray());
        CmsCliFixture.Result v = cli.run("verify", "--trust", "root.pem", "-o", "streamed.content", "streamed.p7s");
        assertEquals(0, v.exit(), v.stderr());
        assertArrayEquals(in.data, Files.readAllBytes(dir.resolve("streamed.content")));
    }

    @Test
    void anEncryptionThatFailsPartWayLeavesAStreamedCiphertextThatNoOneCanDecrypt() throws Exception {
        // the input fails only once output has arrived: buffers the writer thread has not begun
        // are dropped at a failure, so how much arrives before it otherwise depends on scheduling
        PausingInput in = new PausingInput(PausingInput.AtPause.WAIT_THEN_FAIL);
        java.io.ByteArrayOutputStream out = resumingAfterOneMebibyte(in);
        CmsCliFixture.Result r = cli.runWithStreams(in, out, "encrypt", "-r", "alice-rsa2048.pem", "-");
        assertEquals(5, r.exit(), r.stderr());
        assertTrue(r.stderr().startsWith("hsmkit: error: "), r.stderr());
        assertEquals(false, in.waitedInVain, "the ciphertext made before the failure was streamed");
        CmsCliFixture.Result back = cli.runWithInput(out.toByteArray(), "decrypt", "-");
        assertNotEquals(0, back.exit(), "a truncated ciphertext is refused");
        assertEquals(0, back.stdout().length, "and none of its plaintext is released");
    }

    @Test
    void withJsonAFailedEncryptionPrintsOnlyTheErrorDocument() throws Exception {
        PausingInput in = new PausingInput(PausingInput.AtPause.FAIL);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        CmsCliFixture.Result r = cli.runWithStreams(in, out, "--json", "encrypt", "-r", "alice-rsa2048.pem", "-");
        assertEquals(5, r.exit(), r.stderr());
        var error = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toByteArray()).get("error");
        assertEquals("IO", error.get("kind").asText(), out.toString());
    }

    /** A new named pipe in the test directory. */
    private static Path mkfifo(String name) throws Exception {
        Path fifo = dir.resolve(name);
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        return fifo;
    }

    /**
     * Makes the named pipe {@code fifo} and reads it to its end on another thread, which has got as
     * far as opening it when this returns (a reader started beside a command, as in a shell).
     */
    private static CompletableFuture<byte[]> fifoReadBy(Path fifo) throws Exception {
        mkfifo(fifo.getFileName().toString());
        java.util.concurrent.CountDownLatch opening = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                opening.countDown();
                return Files.readAllBytes(fifo);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(opening.await(30, TimeUnit.SECONDS), "the reader thread started");
        return read;
    }

    /** A named pipe whose writer sends {@code content} once a reader opens it. */
    private static Path fifoSending(String name, byte[] content) throws Exception {
        Path fifo = mkfifo(name);
        Thread writer = new Thread(() -> {
            try (java.io.OutputStream w = Files.newOutputStream(fifo)) {
                w.write(content);
            } catch (java.io.IOException e) {
                // the reader went away; the test says what it read
            }
        });
        writer.setDaemon(true);
        writer.start();
        return fifo;
    }

    /**
     * Inputs that cannot seek ({@code <(…)}, a named pipe): the JDK's file stream fails skip and
     * available with "Illegal seek" there, which the parsers used to report as a damaged file.
     */
    @Test
    void namedPipesAsInputsAreReadAsFilesAre() throws Exception {
        cli.write("piped.bin", 100_000, 5);
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "-o", "piped.p7m", "piped.bin").exit());
        assertEquals(0, cli.run("sign", "--key", "bob-p256", "--attached", "-o", "piped.p7s", "piped.bin").exit());
        CmsCliFixture.Result inspected = cli.run("inspect", fifoSending("inspect-fifo", Files.readAllBytes(dir.resolve("piped.p7m"))).toString());
        assertEquals(0, inspected.exit(), inspected.stderr());
        assertTrue(inspected.out().contains("recipient 1:"), inspected.out());
        CmsCliFixture.Result verified = cli.run("verify", "--trust", "root.pem", "-o", "piped.content",
                fifoSending("verify-fifo", Files.readAllBytes(dir.resolve("piped.p7s"))).toString());
        assertEquals(0, verified.exit(), verified.stderr());
        assertArrayEquals(Files.readAllBytes(dir.resolve("piped.bin")), Files.readAllBytes(dir.resolve("piped.content")));
        CmsCliFixture.Result decrypted = cli.run("decrypt", "-o", "piped.plain",
                fifoSending("decrypt-fifo", Files.readAllBytes(dir.resolve("piped.p7m"))).toString());
        assertEquals(0, decrypted.exit(), decrypted.stderr());
        assertArrayEquals(Files.readAllBytes(dir.resolve("piped.bin")), Files.readAllBytes(dir.resolve("piped.plain")));
    }

    @Test
    void aMailMessageFromANamedPipeIsReadAsAFileIs() throws Exception {
        Files.writeString(dir.resolve("note.eml"), "From: alice@hsmkit.test\r\nTo: bob@hsmkit.test\r\nSubject: piped\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\nread from a pipe\r\n");
        CmsCliFixture.Result signed = cli.run("smime", "sign", "--key", "alice-rsa2048", "-o", "note-signed.eml", "note.eml");
        assertEquals(0, signed.exit(), signed.stderr());
        CmsCliFixture.Result r = cli.run("smime", "verify", "--trust", "root.pem",
                fifoSending("mail-fifo", Files.readAllBytes(dir.resolve("note-signed.eml"))).toString());
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("signature:    valid") && r.out().contains("CN=Alice RSA-2048"), r.out());
    }

    @Test
    void aPdfFromAPipeIsRefusedWithWhatToDo() throws Exception {
        mkfifo("pdf-fifo");
        CmsCliFixture.Result r = cli.run("pdf", "verify", "pdf-fifo");
        assertEquals(4, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("is not a regular file (a pipe or a device)"), r.stderr());
        assertTrue(r.stderr().contains("hsmkit: hint: save it to a file first"), r.stderr());
    }

    @Test
    void aNamedPipeReceivesCiphertextThatDecrypts() throws Exception {
        Path plain = cli.write("to-pipe.bin", 3 << 20, 3);
        Path fifo = dir.resolve("cipher-fifo");
        CompletableFuture<byte[]> reader = fifoReadBy(fifo);
        CmsCliFixture.Result r = cli.run("encrypt", "-r", "alice-rsa2048.pem", "-o", "cipher-fifo", "to-pipe.bin");
        assertEquals(0, r.exit(), r.stderr());
        CmsCliFixture.Result back = cli.runWithInput(reader.get(30, TimeUnit.SECONDS), "decrypt", "-");
        assertEquals(0, back.exit(), back.stderr());
        assertArrayEquals(Files.readAllBytes(plain), back.stdout());
        assertEquals(false, Files.isRegularFile(fifo));
    }

    @Test
    void binaryCiphertextIsNotWrittenToATerminalButArmouredIs() throws Exception {
        cli.write("for-terminal.bin", 100, 4);
        CliRun terminal = CliRun.in(dir).withTerminal();
        CliRun.Result r = terminal.run("encrypt", "-r", "bob-p256.pem", "-o", "-", "for-terminal.bin").assertExit(ExitCode.USAGE);
        assertEquals("hsmkit: error: refusing to write binary data to the terminal", r.errorLine());
        assertTrue(r.hintLine().contains("--armor"), r.stderr());
        assertEquals(0, r.stdoutBytes().length);
        CliRun.Result armoured = terminal.run("encrypt", "-r", "bob-p256.pem", "--armor", "-o", "-", "for-terminal.bin").assertOk();
        assertTrue(armoured.stdout().startsWith("-----BEGIN CMS-----"), armoured.stdout());
        // a PDF is binary too, and is refused before anything is done to it
        CliRun.Result pdf = terminal.run("pdf", "extend", "--level", "B-LT", "--offline", "-o", "-",
                PdfCommandTest.corpus("pdfbox-sign_me.pdf").toString()).assertExit(ExitCode.USAGE);
        assertEquals("hsmkit: error: refusing to write binary data to the terminal", pdf.errorLine());
        assertEquals(0, pdf.stdoutBytes().length);
    }
}
