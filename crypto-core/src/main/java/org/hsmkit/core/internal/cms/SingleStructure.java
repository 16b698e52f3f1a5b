package org.hsmkit.core.internal.cms;

import java.io.IOException;
import java.io.InputStream;

import org.bouncycastle.asn1.ASN1InputStream;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.io.LengthBound;

/**
 * Passes the bytes of one BER-encoded element (a CMS ContentInfo) through, following its
 * tag-length-value structure as they go by, so that anything after the element can be refused
 * once a parser is done with it. Only indefinite-length elements are entered; the content of a
 * definite-length element is counted, not read into memory.
 */
public final class SingleStructure extends ASN1InputStream {
    /** Indefinite-length nesting beyond this is refused rather than tracked. */
    private static final int MAX_DEPTH = 64;

    private enum State { TAG, TAG_MORE, LENGTH, LENGTH_MORE, CONTENT, DONE }

    private State state = State.TAG;
    private long offset;
    private long end = -1;
    private int depth;
    private boolean firstTagByteZero;
    private boolean constructed;
    private int lengthBytes;
    private long length;
    private long remaining;

    /**
     * Bouncy Castle's parsers take their length limit from an {@link ASN1InputStream} they are
     * given: the bound of {@code in} ({@link LengthBound}) when known, so that no length the bytes
     * claim beyond what the input holds is believed (and allocated) before it fails to arrive.
     */
    public SingleStructure(InputStream in) {
        super(in, LengthBound.parserLimit(LengthBound.of(in)));
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            feed(b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        for (int i = 0; i < n; i++) {
            if (state == State.CONTENT && remaining > 0) {
                // skip over content bytes in one step
                int k = (int) Math.min(remaining, n - i);
                remaining -= k;
                offset += k;
                i += k - 1;
                if (remaining == 0) {
                    elementEnded();
                }
                continue;
            }
            feed(b[off + i] & 0xff);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /**
     * Reads whatever is left of the element (end-of-contents octets a parser did not need) and
     * checks that nothing follows it.
     *
     * @throws HsmkitException INPUT naming the offset of the first byte after the element, or
     *         saying the element is incomplete
     */
    public void requireEnd() throws IOException {
        byte[] buf = new byte[8192];
        while (end < 0) {
            if (state == State.DONE) {
                throw HsmkitException.input("the file's structure is malformed near offset " + offset,
                        "the file is damaged; get an intact copy");
            }
            int n = read(buf, 0, state == State.CONTENT && remaining > 0 ? (int) Math.min(buf.length, remaining) : 1);
            if (n < 0) {
                throw HsmkitException.input("the file ends inside its structure, at offset " + offset,
                        "the file is truncated; get an intact copy");
            }
        }
        if (offset > end || in.read() >= 0) {
            throw HsmkitException.input("unexpected data after the end of the CMS structure, at offset " + end,
                    "something was appended to the file or it was damaged; get an intact copy");
        }
    }

    private void feed(int b) {
        offset++;
        switch (state) {
            case TAG -> {
                firstTagByteZero = b == 0;
                constructed = (b & 0x20) != 0;
                state = (b & 0x1f) == 0x1f ? State.TAG_MORE : State.LENGTH;
            }
            case TAG_MORE -> {
                firstTagByteZero = false;
                if ((b & 0x80) == 0) {
                    state = State.LENGTH;
                }
            }
            case LENGTH -> {
                if (b == 0x80) {
                    if (!constructed || depth >= MAX_DEPTH) {
                        state = State.DONE; // malformed: the parser reports it
                        return;
                    }
                    depth++;
                    state = State.TAG;
                } else if (b > 0x80) {
                    lengthBytes = b & 0x7f;
                    length = 0;
                    state = lengthBytes > 8 ? State.DONE : State.LENGTH_MORE;
                } else {
                    startContent(b);
                }
            }
            case LENGTH_MORE -> {
                length = (length << 8) | b;
                if (--lengthBytes == 0) {
                    if (length < 0) {
                        state = State.DONE;
                        return;
                    }
                    startContent(length);
                }
            }
            case CONTENT -> {
                if (--remaining == 0) {
                    elementEnded();
                }
            }
            case DONE -> {
                // past the element (or unparseable): only counted
            }
        }
    }

    private void startContent(long contentLength) {
        if (firstTagByteZero && contentLength == 0 && depth > 0) {
            depth--; // end-of-contents: closes the innermost indefinite-length element
            elementEnded();
            return;
        }
        remaining = contentLength;
        state = State.CONTENT;
        if (contentLength == 0) {
            elementEnded();
        }
    }

    private void elementEnded() {
        if (depth == 0) {
            end = offset;
            state = State.DONE;
        } else {
            state = State.TAG;
        }
    }
}
