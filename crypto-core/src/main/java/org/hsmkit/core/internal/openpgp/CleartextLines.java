package org.hsmkit.core.internal.openpgp;

import java.io.IOException;
import java.io.OutputStream;

import org.hsmkit.core.HsmkitException;

/**
 * The two views of text in a cleartext signature (RFC 9580 section 7), made in one pass:
 * the text as written between the headers (lines starting with a dash escaped as {@code "- -"}),
 * and the canonical form that is hashed (trailing spaces, tabs and carriage returns removed from
 * every line, lines joined with CR LF, no line ending after the last line).
 */
public final class CleartextLines extends OutputStream {
    private final OutputStream text;
    private final OutputStream canonical;
    private final byte[] whitespace = new byte[1 << 16];
    private int pendingWhitespace;
    private boolean pendingNewline;
    private boolean lineStart = true;
    private boolean any;

    /** @param text where the escaped text goes, or null; @param canonical where the hashed form goes */
    public CleartextLines(OutputStream text, OutputStream canonical) {
        this.text = text;
        this.canonical = canonical;
    }

    @Override
    public void write(int b) throws IOException {
        byte c = (byte) b;
        any = true;
        if (text != null) {
            if (lineStart && c == '-') {
                text.write('-');
                text.write(' ');
            }
            text.write(c);
        }
        lineStart = c == '\n';
        if (c == '\n') {
            pendingWhitespace = 0;
            if (pendingNewline) {
                canonical.write('\r');
                canonical.write('\n');
            }
            pendingNewline = true;
            return;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            if (pendingWhitespace == whitespace.length) {
                // whether a run of blanks is dropped is known only at its end; hold at most 64 KiB of it
                throw HsmkitException.input("a run of more than 64 KiB of blanks in the text", "sign it with a detached or inline signature");
            }
            whitespace[pendingWhitespace++] = c;
            return;
        }
        flushPending();
        canonical.write(c);
    }

    private void flushPending() throws IOException {
        if (pendingNewline) {
            canonical.write('\r');
            canonical.write('\n');
            pendingNewline = false;
        }
        canonical.write(whitespace, 0, pendingWhitespace);
        pendingWhitespace = 0;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Ends the text: the output gets a final line ending if it lacks one; trailing blanks are dropped. */
    public void finish() throws IOException {
        if (text != null && any && !lineStart) {
            text.write('\n');
        }
        pendingWhitespace = 0;
    }
}
