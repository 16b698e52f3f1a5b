package org.hsmkit.smime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import jakarta.mail.util.SharedByteArrayInputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A body is signed in its canonical form: every bare LF and every bare CR becomes CRLF, and a CRLF
 * stays as it is. Content that is canonical already comes back as a view of the same bytes, not a
 * copy. The scan reads 16 KiB at a time, so line ends at and across that boundary are in the table.
 */
class LineEndsTest {
    private static final int READ = 16384;

    /** The bytes of a table entry: text with \n and \r spelt out, after {@code pad} letters. */
    private static byte[] input(int pad, String spec) {
        String text = "x".repeat(pad) + spec.replace("\\n", "\n").replace("\\r", "\r");
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The rule written plainly, one byte after the other. */
    private static byte[] expected(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\r' && i + 1 < in.length && in[i + 1] == '\n') {
                out.write('\r');
                out.write('\n');
                i++;
            } else if (in[i] == '\r' || in[i] == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(in[i]);
            }
        }
        return out.toByteArray();
    }

    private static InputStream shared(byte[] bytes) {
        ByteSink sink = new ByteSink(1024); // small chunks: the content spans several of them
        sink.write(bytes, 0, bytes.length);
        return sink.toInputStream();
    }

    @ParameterizedTest(name = "{0} letters, then \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "0     | ''",
        "0     | a",
        "0     | \\r\\n",
        "0     | \\n",
        "0     | \\r",
        "0     | a\\nb\\r\\nc\\rd",
        "0     | \\r\\r\\n\\n",
        "0     | \\n\\r",
        "16382 | \\r\\n",
        "16383 | \\r\\n",
        "16383 | \\r",
        "16383 | \\ra",
        "16383 | \\n",
        "16384 | \\r\\n",
        "16384 | \\n",
        "16385 | \\r\\n",
        "32767 | \\r\\nend\\r\\n",
    })
    void everyLineEndIsCrlfAfterwards(int pad, String spec) throws IOException {
        byte[] in = input(pad, spec);
        byte[] out;
        try (InputStream result = MimeParts.withCrlf(shared(in))) {
            out = result.readAllBytes();
        }
        assertArrayEquals(expected(in), out);
    }

    @ParameterizedTest(name = "\"{0}\" is kept as a view")
    @CsvSource(delimiter = '|', value = {"''", "a", "a\\r\\nb\\r\\n", "\\r\\n\\r\\n"})
    void canonicalContentIsAViewOfTheSameBytes(String spec) throws IOException {
        byte[] in = input(READ - 1, spec);
        InputStream result = MimeParts.withCrlf(new SharedByteArrayInputStream(in));
        in[0] = 'V'; // seen through a view, not in a copy
        byte[] out = result.readAllBytes();
        assertEquals('V', out[0]);
        assertArrayEquals(in, out);
    }

    @ParameterizedTest(name = "\"{0}\" is copied")
    @CsvSource(delimiter = '|', value = {"\\n", "a\\rb"})
    void contentWithBareLineEndsIsACanonicalCopy(String spec) throws IOException {
        byte[] in = input(3, spec);
        byte[] canonical = expected(in);
        InputStream result = MimeParts.withCrlf(new SharedByteArrayInputStream(in));
        in[0] = 'V';
        assertArrayEquals(canonical, result.readAllBytes());
    }
}
