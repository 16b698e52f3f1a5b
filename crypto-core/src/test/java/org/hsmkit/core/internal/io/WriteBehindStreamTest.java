package org.hsmkit.core.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every byte arrives in order, flush means written, and a failed write is never swallowed. */
class WriteBehindStreamTest {
    private static final int BUFFER = 1 << 20;

    @ParameterizedTest(name = "{0} bytes in writes of up to {1}")
    @CsvSource({
        "0, 1",
        "1, 1",
        "16383, 4096",
        "16384, 4096",
        "16385, 4096",
        "16385, 16385",
        "65537, 1",
        "262143, 7000",
        "262145, 262145",
        "1048575, 65536",
        "1048576, 65536",
        "1048577, 65536",
        "4194303, 1000",
        "4194304, 4194304",
        "4194305, 333333",
        "10485761, 65537",
    })
    void writesEveryByteInOrder(int size, int chunk) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = new WriteBehindStream(sink)) {
            for (int off = 0; off < size; off += chunk) {
                out.write(data, off, Math.min(chunk, size - off));
            }
        }
        assertArrayEquals(data, sink.toByteArray());
    }

    @Test
    void singleByteWritesAndFullBuffersMix() throws IOException {
        byte[] big = new byte[BUFFER * 2 + 7];
        new Random(1).nextBytes(big);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = new WriteBehindStream(sink)) {
            out.write(0x41);
            out.write(big);
            out.write(0x42);
        }
        byte[] got = sink.toByteArray();
        assertEquals(big.length + 2, got.length);
        assertEquals(0x41, got[0]);
        assertEquals(0x42, got[got.length - 1]);
    }

    @Test
    void afterFlushTheStreamBelowHoldsEverythingWrittenSoFarAndIsFlushed() throws IOException {
        CountingSink sink = new CountingSink();
        WriteBehindStream out = new WriteBehindStream(sink);
        out.write(new byte[BUFFER * 3 + 5]);
        out.flush();
        assertEquals(BUFFER * 3 + 5, sink.bytes);
        assertEquals(1, sink.flushes);
        out.write(new byte[10]);
        out.flush();
        assertEquals(BUFFER * 3 + 15, sink.bytes);
        out.stop();
        assertFalse(sink.closed, "stop leaves the stream below open");
        assertThrows(IOException.class, () -> out.write(1));
    }

    @Test
    @Timeout(60) // a lost failure would leave the producer waiting for its buffers
    void aWriteThatFailsOnTheWriterThreadIsThrownToTheProducer() {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("File too large");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("File too large");
            }
        };
        WriteBehindStream out = new WriteBehindStream(failing);
        IOException e = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 8; i++) {
                out.write(new byte[BUFFER]);
            }
            out.flush();
        });
        assertEquals("File too large", e.getMessage());
        out.stop();
    }

    @Test
    @Timeout(60)
    void anUncheckedFailureOnTheWriterThreadIsThrownToo() {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) {
                throw new IllegalStateException("broken sink");
            }
        };
        WriteBehindStream out = new WriteBehindStream(failing);
        IOException e = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 8; i++) {
                out.write(new byte[BUFFER]);
            }
            out.flush();
        });
        assertTrue(e.getMessage().contains("broken sink"), e.getMessage());
        out.stop();
    }

    private static final class CountingSink extends OutputStream {
        long bytes;
        int flushes;
        boolean closed;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
