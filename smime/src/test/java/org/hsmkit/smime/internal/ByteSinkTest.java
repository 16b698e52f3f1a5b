package org.hsmkit.smime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;

import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.SharedInputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The in-memory sink gives back exactly what was written, whatever the sizes of the writes and
 * wherever its chunk boundaries fall, and its reader behaves as Jakarta Mail's shared streams do.
 */
class ByteSinkTest {
    private static final int C = ByteSink.MAX_CHUNK;

    private static byte[] data(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    /** Writes {@code data} in writes of 1, 7, 1000 and 70000 bytes in turn, and single bytes every fifth time. */
    private static ByteSink written(byte[] data) {
        ByteSink sink = new ByteSink(64);
        int[] steps = {1, 7, 1000, 70000};
        int off = 0;
        for (int i = 0; off < data.length; i++) {
            int n = Math.min(steps[i % steps.length], data.length - off);
            if (i % 5 == 4) {
                for (int k = 0; k < n; k++) {
                    sink.write(data[off + k]);
                }
            } else {
                sink.write(data, off, n);
            }
            off += n;
        }
        return sink;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, 65, 16383, 16384, 16385, 262143, 262144, 262145, 1048575, 1048576, 1048577, 3 * 262144 + 7})
    void whatWasWrittenComesBackWhole(int size) throws Exception {
        byte[] data = data(size);
        ByteSink sink = written(data);
        assertEquals(size, sink.size());
        assertArrayEquals(data, sink.toByteArray());
        assertArrayEquals(data, sink.toInputStream().readAllBytes());
        try (InputStream in = sink.toInputStream()) {
            byte[] small = new byte[size];
            int o = 0;
            int n;
            while (o < size && (n = in.read(small, o, Math.min(4099, size - o))) > 0) {
                o += n;
            }
            assertArrayEquals(data, small);
            assertEquals(-1, in.read());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {C - 1, C, C + 1, 2 * C + 5})
    void aSliceAcrossChunkBoundariesReadsTheSameBytesByteByByteAndInBulk(int from) throws Exception {
        byte[] data = data(3 * C + 11);
        SharedInputStream shared = (SharedInputStream) written(data).toInputStream();
        for (int to : new int[] {from, from + 1, from + C, -1}) {
            byte[] expected = Arrays.copyOfRange(data, from, to == -1 ? data.length : Math.min(to, data.length));
            assertArrayEquals(expected, shared.newStream(from, to).readAllBytes(), from + ".." + to);
            InputStream single = shared.newStream(from, to);
            byte[] one = new byte[expected.length];
            for (int i = 0; i < one.length; i++) {
                one[i] = (byte) single.read();
            }
            assertArrayEquals(expected, one);
            assertEquals(-1, single.read());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, C - 1, C, C + 1})
    void positionMarkAndResetAreRelativeToTheStreamsStart(int skip) throws Exception {
        byte[] data = data(2 * C + 3);
        SharedInputStream whole = (SharedInputStream) written(data).toInputStream();
        InputStream slice = whole.newStream(10, -1);
        assertEquals(skip, slice.skip(skip));
        assertEquals(skip, ((SharedInputStream) slice).getPosition());
        slice.mark(2);
        int a = slice.read();
        slice.reset();
        assertEquals(a, slice.read());
        assertEquals(data[10 + skip] & 0xff, a);
        assertEquals(data.length - 10 - skip - 1, slice.available());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 300000})
    void jakartaMailParsesAPartFromItInPlace(int bodySize) throws Exception {
        byte[] body = new byte[bodySize];
        Arrays.fill(body, (byte) 'a');
        for (int i = 76; i < bodySize; i += 78) {
            body[i] = '\r';
            body[i + 1 < bodySize ? i + 1 : i] = '\n';
        }
        ByteSink sink = new ByteSink(16);
        sink.write("Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        sink.write(body, 0, body.length);
        MimeBodyPart part = new MimeBodyPart(sink.toInputStream());
        assertEquals("text/plain", part.getContentType());
        try (InputStream raw = part.getRawInputStream()) {
            assertArrayEquals(body, raw.readAllBytes());
        }
    }
}
