package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress bar: not before a second, at most ten times a second, wiped at the end, never without a terminal. */
class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong();

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void appearsOnlyAfterASecondAndIsWipedAtTheEnd() {
        Progress p = new Progress(err, 10, "files", now::get);
        now.set(999_000_000L);
        p.advance(2);
        assertEquals("", printed(), "work shorter than a second draws nothing");
        now.set(1_000_000_000L);
        p.advance(1);
        assertTrue(printed().startsWith("\r[#########                     ] 3 of 10 files, 1 s"), printed());
        int length = printed().length();
        now.set(1_050_000_000L);
        p.advance(1);
        assertEquals(length, printed().length(), "not redrawn within a tenth of a second");
        now.set(1_100_000_000L);
        p.advance(1);
        assertTrue(printed().endsWith("5 of 10 files, 1 s "), printed());
        p.close();
        assertTrue(printed().endsWith("\r"), "the line is wiped");
    }

    @Test
    void bigFilesCountInMebibytes() {
        Progress p = new Progress(err, 200L << 20, "bytes", now::get);
        now.set(2_000_000_000L);
        p.advance(100L << 20);
        assertTrue(printed().contains("100 Mi of 200 Mi bytes"), printed());
    }

    @Test
    void aBatchWithoutATerminalDrawsNoBar(@TempDir Path dir) throws Exception {
        CmsCliFixture cli = new CmsCliFixture(dir);
        cli.write("a.bin", 10, 1);
        cli.write("b.bin", 10, 2);
        CmsCliFixture.Result r = cli.run("encrypt", "-r", "bob-p256.pem", "a.bin", "b.bin");
        assertEquals(0, r.exit(), r.stderr());
        assertFalse(r.stderr().contains("\r"), r.stderr());
    }
}
