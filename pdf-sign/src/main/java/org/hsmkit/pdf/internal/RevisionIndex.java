package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the revisions of a PDF end: right after each {@code %%EOF} marker, optionally followed by
 * its end-of-line, found in one streaming pass over the file.
 */
public final class RevisionIndex {
    private final List<long[]> ends;
    private final long size;

    private RevisionIndex(List<long[]> ends, long size) {
        this.ends = ends;
        this.size = size;
    }

    public static RevisionIndex scan(Path file) throws IOException {
        List<long[]> ends = new ArrayList<>();
        long size = Files.size(file);
        byte[] marker = "%%EOF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
