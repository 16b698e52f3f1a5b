package org.hsmkit.core.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.cms.CmsVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a stream says about its size bounds every length the ASN.1 parsers believe: a file that
 * claims more than it holds fails at the claim, before anything that size is allocated.
 */
class LengthBoundTest {
    /** 1,509 bytes whose nested BMPString claims 505 MB (found by fuzzing CmsVerifier). */
    private static final String HOSTILE = "/org/hsmkit/fuzz/CmsVerifyFuzzTestInputs/verify/regression-a-string-claiming-500-mb-in-1-kb.p7s";

    @TempDir
    Path dir;

    @Test
    void streamsThatKnowTheirSizeSaySo() throws Exception {
        Path file = dir.resolve("f");
        Files.write(file, new byte[1509]);
        assertEquals(1509, LengthBound.of(new ByteArrayInputStream(new byte[1509])));
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            assertEquals(1509, LengthBound.of(in));
            in.readNBytes(9);
            assertEquals(1500, LengthBound.of(in), "what is left of it");
        }
        try (InputStream in = SeekOptionalInputStream.around(Files.newInputStream(file), Files.size(file))) {
            assertEquals(1509, LengthBound.of(in));
        }
        try (InputStream in = SeekOptionalInputStream.around(Files.newInputStream(file))) {
            assertEquals(-1, LengthBound.of(in), "the JDK's file stream does not say");
        }
        InputStream unknown = new FilterInputStream(new ByteArrayInputStream(new byte[3])) { };
        assertEquals(-1, LengthBound.of(unknown));
        assertSame(unknown, LengthBound.mark(unknown, -1));
        assertEquals(7, LengthBound.of(LengthBound.mark(unknown, 7)));
        assertEquals((int) Math.min(Runtime.getRuntime().maxMemory(), Integer.MAX_VALUE), LengthBound.parserLimit(-1));
        assertEquals(Integer.MAX_VALUE, LengthBound.parserLimit(1L << 40));
    }

    @Test
    void aLengthBeyondTheFileIsRefusedWithoutAllocatingIt() throws Exception {
        Path file = dir.resolve("hostile.p7s");
        try (InputStream in = LengthBoundTest.class.getResourceAsStream(HOSTILE)) {
            Files.write(file, in.readAllBytes());
        }
        long before = allocated();
        HsmkitException e = assertThrows(HsmkitException.class, () -> {
            // as the command line opens a named file
            try (InputStream in = SeekOptionalInputStream.around(Files.newInputStream(file), Files.size(file))) {
                CmsVerifier.trusting(List.of()).verify(in, null, null);
            }
        });
        long used = allocated() - before;
        assertEquals(ErrorKind.INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("out of bounds length found: 505290270 > 1509"), e.getMessage());
        assertTrue(used < 64L << 20, "verify allocated " + used + " bytes for a file of 1,509");
    }

    /**
     * From a pipe (a stream of unknown size) an encrypted file's header is held to 16 MiB: a 12-byte
     * input whose BMPString claims 813 MB (found by fuzzing) fails at the claim. Its content is
     * streamed, so large files from pipes still decrypt (the CLI tests do that with pipes).
     */
    @Test
    void anEncryptedFilesHeaderFromAPipeIsHeldTo16Mib() throws Exception {
        byte[] hostile;
        try (InputStream in = LengthBoundTest.class.getResourceAsStream(
                "/org/hsmkit/fuzz/CmsDecryptFuzzTestInputs/decrypt/regression-inspect-bmp-string-claiming-800mb")) {
            hostile = in.readAllBytes();
        }
        InputStream pipe = new FilterInputStream(new ByteArrayInputStream(hostile)) { };
        assertEquals(-1, LengthBound.of(pipe));
        long before = allocated();
        HsmkitException e = assertThrows(HsmkitException.class, () -> org.hsmkit.core.cms.CmsInspector.inspect(pipe));
        long used = allocated() - before;
        assertEquals(ErrorKind.INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("out of bounds length found: 813827714 > 16777216"), e.getMessage());
        assertTrue(used < 64L << 20, "inspect allocated " + used + " bytes for 12 from a pipe");
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
