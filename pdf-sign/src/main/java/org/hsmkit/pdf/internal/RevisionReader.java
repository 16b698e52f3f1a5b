package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.pdfbox.pdmodel.PDDocument;

/**
 * Opens a PDF as it was at the end of one of its revisions. A revision whose cross-reference chain
 * is sound is read through that chain; a damaged one (see {@link XrefChain}) is read the way PDF
 * readers repair it, from a table rebuilt out of the objects in its bytes (the last definition of
 * each object wins), so that verification judges what people are shown.
 */
public final class RevisionReader {
    /**
     * Appended to a copy of a damaged revision: a startxref PDFBox cannot use makes it rebuild the
     * table from the objects instead of following the broken chain.
     */
    private static final byte[] REBUILD = "\nstartxref\n-1\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final String password;
    private final RevisionIndex index;
    private final Map<Long, List<String>> damage = new HashMap<>();

    public RevisionReader(Path file, char[] password, RevisionIndex index) {
        this.file = file;
        this.password = password == null ? "" : new String(password);
        this.index = index;
    }

    /** Something read from the document as it was at one revision. */
    public interface Reading<T> {
        T read(PDDocument revision) throws IOException;
    }

    /** A document that may be backed by a temporary copy, deleted on close. */
    public record Opened(PDDocument document, Path copy) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                document.close();
            } finally {
                if (copy != null) {
                    Files.deleteIfExists(copy);
                }
            }
        }
    }

    /** What is wrong with the cross-reference chain of the revision ending at {@code end}; empty when sound. */
    public List<String> damage(long end) throws IOException {
        List<String> known = damage.get(end);
        if (known == null) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                known = List.copyOf(XrefChain.damage(raf, index.endsThrough(end)));
            }
            damage.put(end, known);
        }
        return known;
    }

    /** The whole file in place, read through its own chain however damaged (PDFBox may repair it its own way). */
    public PDDocument asItIs() throws IOException {
        return PdfFiles.load(file.toFile(), password);
    }

    /** The whole file: in place when its chain is sound, else from a repaired copy. */
    public Opened whole() throws IOException {
        long size = Files.size(file);
        if (damage(size).isEmpty()) {
            return new Opened(PdfFiles.load(file.toFile(), password), null);
        }
        return copy(size, true);
    }

    /** Reads the revision ending at {@code end} from a copy of its bytes. */
    public <T> T at(long end, Reading<T> reading) throws IOException {
        try (Opened o = copy(end, !damage(end).isEmpty())) {
            return reading.read(o.document());
        }
    }

    /**
     * A copy of the first {@code end} bytes (PDFBox's view over a file prefix does not serve object
     * streams reliably), made to be rebuilt when {@code rebuild}.
     */
    private Opened copy(long end, boolean rebuild) throws IOException {
        Path copy = org.hsmkit.core.WorkFiles.temporary("revision", ".pdf");
        try {
            try (InputStream in = Files.newInputStream(file); OutputStream out = Files.newOutputStream(copy)) {
                byte[] buf = new byte[1 << 16];
                long left = end;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        break;
                    }
                    out.write(buf, 0, n);
                    left -= n;
                }
                if (rebuild) {
                    out.write(REBUILD);
                }
            }
            return new Opened(PdfFiles.load(copy.toFile(), password), copy);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
    }
}
