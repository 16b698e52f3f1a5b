package org.hsmkit.smime.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.mail.internet.SharedInputStream;

/**
 * A growable in-memory output without locking, kept in chunks that are never copied to grow.
 *
 * <p>Jakarta Mail's encoders write one byte at a time, and {@link java.io.ByteArrayOutputStream}'s
 * synchronized single-byte write made that the largest cost of building a message. A message is
 * written out and parsed back several times while it is signed and encrypted; one array doubled
 * to the size of a 1 MB message reaches the size G1 allocates as a humongous object, and those
 * allocations dominated the time per message. Chunks stay small, and {@link #toInputStream()}
 * reads them in place as a {@link SharedInputStream}, so Jakarta Mail parses parts without copying
 * their content either.
 */
final class ByteSink extends OutputStream {
    /** Below half of G1's smallest region (1 MiB), so no chunk is a humongous object. */
    static final int MAX_CHUNK = 256 * 1024;

    private final List<byte[]> full = new ArrayList<>();
    private byte[] current;
    private int used;
    private long count;

    ByteSink(int initial) {
        current = new byte[Math.min(MAX_CHUNK, Math.max(64, initial))];
    }

    @Override
    public void write(int b) {
        if (used == current.length) {
            next();
        }
        current[used++] = (byte) b;
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (used == current.length) {
                next();
            }
            int n = Math.min(len, current.length - used);
            System.arraycopy(b, off, current, used, n);
            used += n;
            off += n;
            len -= n;
            count += n;
        }
    }

    private void next() {
        full.add(current);
        current = new byte[Math.min(MAX_CHUNK, current.length * 2)];
        used = 0;
    }

    int size() {
        return Math.toIntExact(count);
    }

    byte[] toByteArray() {
        byte[] out = new byte[size()];
        int o = 0;
        for (byte[] c : full) {
            System.arraycopy(c, 0, out, o, c.length);
            o += c.length;
        }
        System.arraycopy(current, 0, out, o, used);
        return out;
    }

    /** Reads what was written so far, in place. */
    InputStream toInputStream() {
        List<byte[]> parts = new ArrayList<>(full);
        parts.add(current);
        return new Reader(parts.toArray(new byte[0][]), 0, count);
    }

    /** The bytes from {@code start} to {@code end} of a sink's chunks, with mark and reset. */
    static final class Reader extends InputStream implements SharedInputStream {
        private final byte[][] parts;
        /** Offset of each part in the whole. */
        private final long[] offsets;
        private final long start;
        private final long end;
        private long pos;
        private long mark;
        private int part;

        Reader(byte[][] parts, long start, long end) {
            this(parts, offsets(parts), start, end);
        }

        private Reader(byte[][] parts, long[] offsets, long start, long end) {
            this.parts = parts;
            this.offsets = offsets;
            this.start = start;
            this.end = end;
            this.pos = start;
            this.mark = start;
        }

        private static long[] offsets(byte[][] parts) {
            long[] o = new long[parts.length];
            long at = 0;
            for (int i = 0; i < parts.length; i++) {
                o[i] = at;
                at += parts[i].length;
            }
            return o;
        }

        /** Points {@link #part} at the part holding {@link #pos}; pos is below end. */
        private void locate() {
            if (pos >= offsets[part] && pos < offsets[part] + parts[part].length) {
                return;
            }
            int i = Arrays.binarySearch(offsets, pos);
            part = i >= 0 ? i : -i - 2;
            while (parts[part].length == 0 || pos >= offsets[part] + parts[part].length) {
                part++; // empty parts share an offset with the next one
            }
        }

        @Override
        public int read() {
            if (pos >= end) {
                return -1;
            }
            locate();
            return parts[part][(int) (pos++ - offsets[part])] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (pos >= end) {
                return -1;
            }
            int total = 0;
            while (len > 0 && pos < end) {
                locate();
                int inPart = (int) (pos - offsets[part]);
                int n = (int) Math.min(Math.min(len, parts[part].length - inPart), end - pos);
                System.arraycopy(parts[part], inPart, b, off, n);
                pos += n;
                off += n;
                len -= n;
                total += n;
            }
            return total;
        }

        @Override
        public byte[] readAllBytes() {
            byte[] out = new byte[Math.toIntExact(end - pos)];
            int n = read(out, 0, out.length);
            return n == out.length || out.length == 0 ? out : Arrays.copyOf(out, Math.max(n, 0));
        }

        @Override
        public long skip(long n) {
            long k = Math.max(0, Math.min(n, end - pos));
            pos += k;
            return k;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, end - pos);
        }

        @Override
        public boolean markSupported() {
            return true;
        }

        @Override
        public synchronized void mark(int readlimit) {
            mark = pos;
        }

        @Override
        public synchronized void reset() {
            pos = mark;
        }

        @Override
        public long getPosition() {
            return pos - start;
        }

        @Override
        public InputStream newStream(long from, long to) {
            if (from < 0) {
                throw new IllegalArgumentException("start < 0");
            }
            long last = to == -1 ? end : start + to;
            return new Reader(parts, offsets, start + from, Math.min(last, end));
        }
    }
}
