package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;

/**
 * Where the revisions of a PDF end: right after each {@code %%EOF} marker, optionally followed by
 * its end-of-line, found in one streaming pass over the file.
 */
public final class RevisionIndex {
    private static final byte[] MARKER = "%%EOF".getBytes(StandardCharsets.US_ASCII);
    /**
     * Bounds on the work of {@link #withoutMarkersInStreams} for a hostile file: each marker reads
     * at most this much of the object in front of it, where a stream dictionary ends.
     */
    private static final int MAX_MARKERS_EXAMINED = 1000;
    private static final int DICTIONARY_WINDOW = 4096;
    private final List<long[]> ends;
    private final long size;

    private RevisionIndex(List<long[]> ends, long size) {
        this.ends = ends;
        this.size = size;
    }

    public static RevisionIndex scan(Path file) throws IOException {
        List<long[]> ends = new ArrayList<>();
        long size = Files.size(file);
        byte[] marker = MARKER;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int matched = 0;
            long pos = 0;
            long[] open = null;
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    pos++;
                    if (open != null) {
                        if ((b == '\r' || b == '\n') && pos - open[0] <= 2) {
                            open[1] = pos;
                            continue;
                        }
                        open = null;
                    }
                    if (b == marker[matched]) {
                        matched++;
                        if (matched == marker.length) {
                            open = new long[] {pos, pos};
                            ends.add(open);
                            matched = 0;
                        }
                    } else {
                        matched = b == marker[0] ? 1 : 0;
                    }
                }
            }
        }
        return new RevisionIndex(ends, size);
    }

    /**
     * This index without the markers that lie in the data of a stream of {@code doc} (read from
     * {@code raf}, the same file): a PDF attached uncompressed carries its own {@code %%EOF}, where
     * no revision of this document ends. A stream counts only when its {@code /Length} is
     * confirmed by the {@code endstream} keyword right after its data; the last marker always stays.
     */
    public RevisionIndex withoutMarkersInStreams(PDDocument doc, RandomAccessFile raf) throws IOException {
        if (ends.size() > MAX_MARKERS_EXAMINED) {
            return this; // no document has that many revisions: read as damaged, as it looks
        }
        TreeMap<Long, COSObjectKey> objects = new TreeMap<>();
        for (Map.Entry<COSObjectKey, Long> e : doc.getDocument().getXrefTable().entrySet()) {
            if (e.getValue() != null && e.getValue() > 0) {
                objects.put(e.getValue(), e.getKey());
            }
        }
        List<long[]> kept = new ArrayList<>();
        for (int i = 0; i < ends.size(); i++) {
            long marker = ends.get(i)[0] - MARKER.length;
            Map.Entry<Long, COSObjectKey> holder = objects.lowerEntry(marker);
            if (i == ends.size() - 1 || holder == null || !inStreamData(doc, raf, holder.getKey(), holder.getValue(), marker)) {
                kept.add(ends.get(i));
            }
        }
        return kept.size() == ends.size() ? this : new RevisionIndex(kept, size);
    }

    private static boolean inStreamData(PDDocument doc, RandomAccessFile raf, long objectStart, COSObjectKey key, long marker)
            throws IOException {
        COSObject object = doc.getDocument().getObjectFromPool(key);
        if (!(object.getObject() instanceof COSStream stream)) {
            return false;
        }
        long length = stream.getLong(COSName.LENGTH);
        long dataStart = dataStart(raf, objectStart, marker);
        if (length < 0 || dataStart < 0 || marker < dataStart || marker >= dataStart + length) {
            return false;
        }
        byte[] after = new byte[32];
        raf.seek(dataStart + length);
        int n = raf.read(after);
        String tail = n <= 0 ? "" : new String(after, 0, n, StandardCharsets.ISO_8859_1).stripLeading();
        return tail.startsWith("endstream");
    }

    /** Where the data of the stream object at {@code objectStart} begins (after "stream" and its end-of-line); -1 when not found before {@code limit}. */
    private static long dataStart(RandomAccessFile raf, long objectStart, long limit) throws IOException {
        int window = (int) Math.min(DICTIONARY_WINDOW, limit - objectStart);
        byte[] head = new byte[Math.max(window, 0)];
        raf.seek(objectStart);
        raf.readFully(head);
        String text = new String(head, StandardCharsets.ISO_8859_1);
        for (int at = text.indexOf("stream"); at > 0; at = text.indexOf("stream", at + 1)) {
            char before = text.charAt(at - 1);
            int eol = at + "stream".length();
            if (before != '>' && !Character.isWhitespace(before) || eol >= text.length()) {
                continue; // "endstream", or a name such as /application#2Foctet-stream
            }
            if (text.startsWith("\r\n", eol)) {
                return objectStart + eol + 2;
            }
            if (text.charAt(eol) == '\n') {
                return objectStart + eol + 1;
            }
        }
        return -1;
    }

    /** True when {@code offset} ends a revision: right after a %%EOF or within its end-of-line. */
    public boolean isRevisionEnd(long offset) {
        for (long[] e : ends) {
            if (offset >= e[0] && offset <= e[1]) {
                return true;
            }
        }
        return false;
    }

    /** The 1-based number of the revision ending at {@code offset}. */
    public int revisionAt(long offset) {
        int n = 0;
        for (long[] e : ends) {
            if (e[0] <= offset) {
                n++;
            }
        }
        return Math.max(n, 1);
    }

    /**
     * The ends of the revisions up to the one {@code end} closes, ascending, with {@code end} itself
     * as the last (the bytes a reader of that revision sees).
     */
    public List<Long> endsThrough(long end) {
        List<Long> out = new ArrayList<>();
        for (long[] e : ends) {
            if (e[1] < end && !(end >= e[0] && end <= e[1])) {
                out.add(e[1]);
            }
        }
        out.add(end);
        return out;
    }

    public int count() {
        return ends.size();
    }

    /** End of the last revision, including its end-of-line. */
    public long lastEnd() {
        return ends.isEmpty() ? 0 : ends.get(ends.size() - 1)[1];
    }

    public long size() {
        return size;
    }
}
