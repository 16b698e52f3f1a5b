package org.hsmkit.core.internal.openpgp;

import java.io.IOException;
import java.io.OutputStream;

import org.bouncycastle.openpgp.PGPLiteralData;

/**
 * Writes the content of a text literal packet (format {@code t} or {@code u}), which OpenPGP
 * stores with CR LF line ends, with the line ends of this system: each CR LF becomes LF, as RFC
 * 9580 section 5.9 asks and gpg does on Unix. A CR not followed by LF is kept (gpg drops every CR;
 * a lone CR is data). Counts the bytes written; {@link #finish} writes a CR left pending at the end.
 */
public final class TextLineEnds extends OutputStream {
    private final OutputStream out;
    private boolean pendingCr;
    private long written;

    public TextLineEnds(OutputStream out) {
        this.out = out;
    }

    /** Whether {@code lit} holds text (format {@code t} or {@code u}), stored with CR LF line ends. */
    public static boolean appliesTo(PGPLiteralData lit) {
        return lit.getFormat() == PGPLiteralData.TEXT || lit.getFormat() == PGPLiteralData.UTF8;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (pendingCr) {
                pendingCr = false;
                if (b[i] != '\n') {
                    emit(new byte[] {'\r'}, 0, 1);
                }
            }
            if (b[i] == '\r') {
                emit(b, start, i - start);
                pendingCr = true;
                start = i + 1;
            }
        }
        emit(b, start, end - start);
    }

    private void emit(byte[] b, int off, int len) throws IOException {
        if (len > 0) {
            out.write(b, off, len);
            written += len;
        }
    }

    /** Ends the text: a CR at its very end is data, and is written. */
    public void finish() throws IOException {
        if (pendingCr) {
            pendingCr = false;
            emit(new byte[] {'\r'}, 0, 1);
        }
    }

    /** The bytes written so far. */
    public long written() {
        return written;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
