package org.hsmkit.core.internal.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream whose {@link #skip} and {@link #available} work when the stream below cannot seek. The
 * JDK's stream of a file opened on a pipe or a device ({@code <(…)}, a named pipe) fails both with
 * "Illegal seek" before anything moved, and the parsers that call them (Bouncy Castle's, and
 * {@link java.io.BufferedInputStream}) then reported a damaged file. Here a failed seek makes
 * {@code skip} read past the bytes and {@code available} answer 0; on a regular file they stay
 * what they were.
 */
public final class SeekOptionalInputStream extends FilterInputStream implements LengthBound {
    private final long size;
    private boolean seekable = true;
    private byte[] scratch;

    private SeekOptionalInputStream(InputStream in, long size) {
        super(in);
        this.size = size;
    }

    /** {@code in}, unless it is one already. */
    public static InputStream around(InputStream in) {
        return around(in, -1);
    }

    /** {@code in}, the stream of a file of {@code size} bytes (-1: unknown, such as a pipe's). */
    public static InputStream around(InputStream in, long size) {
        return in instanceof SeekOptionalInputStream ? in : new SeekOptionalInputStream(in, size);
    }

    @Override
    public long lengthBound() {
        return size >= 0 ? size : LengthBound.of(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
        if (seekable) {
            try {
                return in.available();
            } catch (IOException e) {
                seekable = false;
            }
        }
        return 0;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        if (seekable) {
            try {
                return in.skip(n);
            } catch (IOException e) {
                seekable = false; // a failed seek moved nothing: read past the bytes instead
            }
        }
        if (scratch == null) {
            scratch = new byte[8192];
        }
        long left = n;
        while (left > 0) {
            int r = in.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - left;
    }
}
