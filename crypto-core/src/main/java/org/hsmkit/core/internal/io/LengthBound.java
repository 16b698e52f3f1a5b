package org.hsmkit.core.internal.io;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that knows how many bytes it has at most: the bound a parser may hold every length
 * the bytes claim to. Bouncy Castle's ASN.1 parsers allocate what a length claims before reading
 * it; without a bound, a 1.5 KB signature file claiming half a gigabyte in a nested string made
 * {@code verify} allocate 500 MB and run for seconds before it failed.
 */
public interface LengthBound {
    /** At most this many bytes are left to read. */
    long lengthBound();

    /**
     * The bound of {@code in}: its own when it is a {@link LengthBound}, the bytes left in a
     * {@link ByteArrayInputStream} or in a {@link FileInputStream} on a regular file; else -1
     * (a pipe, standard input, a stream of unknown kind).
     */
    static long of(InputStream in) {
        if (in instanceof LengthBound b) {
            return b.lengthBound();
        }
        if (in instanceof ByteArrayInputStream b) {
            return b.available();
        }
        if (in instanceof FileInputStream f) {
            try {
                var channel = f.getChannel();
                long left = channel.size() - channel.position();
                return left >= 0 && channel.size() > 0 ? left : -1;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * The limit for Bouncy Castle's ASN.1 parsers over {@code bound} bytes: the bound itself, or,
     * when unknown, what Bouncy Castle takes by default (the heap's maximum size).
     */
    static int parserLimit(long bound) {
        long limit = bound >= 0 ? bound : Runtime.getRuntime().maxMemory();
        return (int) Math.min(limit, Integer.MAX_VALUE);
    }

    /** {@code in} marked with {@code bound}, or {@code in} itself when the bound is unknown (negative). */
    static InputStream mark(InputStream in, long bound) {
        if (bound < 0) {
            return in;
        }
        return new Bounded(in, bound);
    }

    /** A pass-through stream that carries a bound. */
    final class Bounded extends java.io.FilterInputStream implements LengthBound {
        private final long bound;

        Bounded(InputStream in, long bound) {
            super(in);
            this.bound = bound;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public long lengthBound() {
            return bound;
        }
    }
}
