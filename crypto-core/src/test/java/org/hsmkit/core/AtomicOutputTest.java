package org.hsmkit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.hsmkit.core.AtomicOutput.Release;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** When an output's bytes reach their destination, for each kind of destination and each release. */
class AtomicOutputTest {
    private static final byte[] BYTES = "finished bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void aStreamReleasedAtCommitReceivesNothingBeforeIt() throws Exception {
        ByteArrayOutputStream dest = new ByteArrayOutputStream();
        try (AtomicOutput out = AtomicOutput.toStream(dest, Release.AT_COMMIT)) {
            out.stream().write(BYTES);
            out.stream().flush();
            assertEquals(0, dest.size());
            out.commit();
        }
        assertArrayEquals(BYTES, dest.toByteArray());
    }

    @Test
    void aStreamReleasedAtCommitReceivesNothingWithoutIt() {
        ByteArrayOutputStream dest = new ByteArrayOutputStream();
        try (AtomicOutput out = AtomicOutput.toStream(dest)) {
            out.stream().write(BYTES);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(0, dest.size());
    }

    @Test
    void aStreamReleasedAsWrittenReceivesEachWriteAndNeedsNoSpoolFile() throws Exception {
        ByteArrayOutputStream dest = new ByteArrayOutputStream();
        try (AtomicOutput out = AtomicOutput.toStream(dest, Release.AS_WRITTEN)) {
            out.stream().write(BYTES);
            assertArrayEquals(BYTES, dest.toByteArray());
            assertThrows(IllegalStateException.class, out::temporaryFile);
            out.commit();
        }
        assertArrayEquals(BYTES, dest.toByteArray());
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void aRegularFileAppearsOnlyAtCommitWhateverTheRelease(Release release) throws Exception {
        Path target = dir.resolve("out-" + release);
        try (AtomicOutput out = AtomicOutput.toFile(target, false, release)) {
            out.stream().write(BYTES);
            out.stream().flush();
            assertFalse(Files.exists(target));
            out.commit();
        }
        assertArrayEquals(BYTES, Files.readAllBytes(target));
        Path abandoned = dir.resolve("abandoned-" + release);
        try (AtomicOutput out = AtomicOutput.toFile(abandoned, false, release)) {
            out.stream().write(BYTES);
        }
        assertFalse(Files.exists(abandoned));
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "no temporary file is left beside the targets");
        }
    }

    @Test
    void aNamedPipeReleasedAsWrittenIsReadBeforeTheCommit() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        CompletableFuture<Integer> firstByte = new CompletableFuture<>();
        CompletableFuture<byte[]> rest = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                firstByte.complete(in.read());
                return in.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (AtomicOutput out = AtomicOutput.toFile(fifo, false, Release.AS_WRITTEN)) {
            out.stream().write(BYTES);
            out.stream().flush();
            assertEquals(BYTES[0], firstByte.get(20, TimeUnit.SECONDS), "the reader has the first byte while the output is open");
            out.commit();
        }
        assertEquals(BYTES.length - 1, rest.get(20, TimeUnit.SECONDS).length, "the reader saw the end at the commit");
        assertFalse(Files.isRegularFile(fifo));
    }

    /** As System.out: a PrintStream keeps the write error to itself. */
    private static PrintStream readerGone() {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        });
    }

    @Test
    void aReaderThatWentAwayFailsTheCommitOfASpooledOutput() {
        AtomicOutput out = AtomicOutput.toStream(readerGone(), Release.AT_COMMIT);
        HsmkitException e = assertThrows(HsmkitException.class, () -> {
            out.stream().write(BYTES);
            out.commit();
        });
        assertEquals(ErrorKind.IO, e.kind());
        assertTrue(e.getMessage().contains("standard output"), e.getMessage());
        out.close();
    }

    /** Not only at the end: a 20 GB encryption into `| head` stops at the first write after the reader left. */
    @Test
    void aReaderThatWentAwayFailsTheNextWriteOfAnOutputReleasedAsWritten() {
        try (AtomicOutput out = AtomicOutput.toStream(readerGone(), Release.AS_WRITTEN)) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> out.stream().write(BYTES));
            assertTrue(e.getMessage().contains("reader went away"), e.getMessage());
        }
    }
}
