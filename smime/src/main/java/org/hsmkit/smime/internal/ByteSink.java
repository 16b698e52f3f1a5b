package org.hsmkit.smime.internal;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable in-memory output without locking: Jakarta Mail's encoders write one byte at a
 * time, and {@link java.io.ByteArrayOutputStream}'s synchronized single-byte write made that the
 * largest cost of building a message.
 */
final class ByteSink extends OutputStream {
    private byte[] buf;
    private int count;

    ByteSink(int initial) {
        buf = new byte[Math.max(64, initial)];
    }

    @Override
    public void write(int b) {
        if (count == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (count + len > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    int size() {
        return count;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }

    /** Reads what was written, without copying. */
    ByteArrayInputStream toInputStream() {
        return new ByteArrayInputStream(buf, 0, count);
    }
}
