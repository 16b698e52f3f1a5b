package org.hsmkit.core.internal.openpgp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Text literal data with this system's line ends: each CR LF becomes LF, a lone CR stays, and the
 * result does not depend on where the writes split the input (a CR at the end of one write and
 * its LF at the start of the next).
 */
class TextLineEndsTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "''                 | ''",
        "'\\r'              | '\\r'",
        "'\\n'              | '\\n'",
        "'\\r\\n'           | '\\n'",
        "'a\\r\\nb\\r\\n'   | 'a\\nb\\n'",
        "'a\\rb'            | 'a\\rb'",
        "'\\r\\r\\n'        | '\\r\\n'",
        "'a\\r'             | 'a\\r'",
        "'\\n\\r'           | '\\n\\r'",
        "'x\\r\\r\\ry'      | 'x\\r\\r\\ry'",
        "'mixed\\nends\\r\\nhere' | 'mixed\\nends\\nhere'",
    })
    void crLfBecomesLfWhereverTheWritesSplit(String in, String expected) throws Exception {
        byte[] input = unescape(in);
        String want = new String(unescape(expected), StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= input.length; split++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TextLineEnds t = new TextLineEnds(out);
            t.write(input, 0, split);
            t.write(input, split, input.length - split);
            t.finish();
            assertEquals(want, out.toString(StandardCharsets.ISO_8859_1), "split at " + split);
            assertEquals(out.size(), t.written());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextLineEnds t = new TextLineEnds(out);
        for (byte b : input) {
            t.write(b);
        }
        t.finish();
        assertEquals(want, out.toString(StandardCharsets.ISO_8859_1), "byte by byte");
    }

    private static byte[] unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
