package org.hsmkit.core.internal.cms;

import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.io.InputFormat;
import org.hsmkit.core.internal.io.LengthBound;

/**
 * PEM armor for CMS files, streamed both ways: {@code -----BEGIN CMS-----}, base64 in 64-column
 * lines, {@code -----END CMS-----}. Reading accepts any PEM label (CMS, PKCS7) and DER.
 */
public final class Armor {
    private static final int PEEK = 64;

    private Armor() {
    }

    /** Wraps {@code out}: what is written is base64-encoded; close() writes the END line (and closes out). */
    public static OutputStream armored(OutputStream target, String label) throws IOException {
        target.write(("-----BEGIN " + label + "-----\n").getBytes(StandardCharsets.US_ASCII));
        OutputStream shield = new FilterOutputStream(target) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush(); // the encoder's close must not close the target before the END line
            }
        };
        OutputStream b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).wrap(shield);
        return new FilterOutputStream(b64) {
            private boolean closed;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                b64.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                b64.close();
                target.write(("\n-----END " + label + "-----\n").getBytes(StandardCharsets.US_ASCII));
                target.close();
            }
        };
    }

    /** Whether a stream holds PEM, and the DER bytes either way. */
    public record Opened(boolean pem, InputStream der) {
    }

    /**
     * Looks at the first bytes: {@code 0x30} means DER, {@code -----BEGIN} means PEM.
     *
     * @throws HsmkitException INPUT for anything else, naming what it is when that is clear (an
     *         OpenPGP message, a PDF, a certificate, a key)
     */
    public static Opened open(InputStream raw) throws IOException {
        // PEM holds fewer DER bytes than it has characters: the input's bound holds for both
        long bound = LengthBound.of(raw);
        BufferedInputStream in = InputFormat.require(raw, InputFormat.CMS);
        in.mark(PEEK);
        int first = in.read();
        while (first == ' ' || first == '\n' || first == '\r' || first == '\t') {
            in.mark(PEEK);
            first = in.read();
        }
        in.reset();
        if (first == 0x30) {
            return new Opened(false, LengthBound.mark(in, bound));
        }
        if (first == '-') {
            skipBeginLine(in);
            return new Opened(true, LengthBound.mark(new Base64Body(in), bound));
        }
        throw HsmkitException.input(first == -1 ? "the input is empty" : "the input is neither DER nor PEM",
                "give a CMS file (.p7m or .p7s) as written by hsmkit, openssl cms or gpgsm");
    }

    private static void skipBeginLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && line.length() < 200) {
            line.append((char) c);
        }
        String l = line.toString().trim();
        if (!l.startsWith("-----BEGIN ") || !l.endsWith("-----")) {
            throw HsmkitException.input("the PEM input does not start with a BEGIN line", "give a PEM or DER CMS file");
        }
    }

    /**
     * The bytes of the base64 text up to the END line (base64 never contains '-'), line breaks and
     * blanks skipped. Decodes a block at a time: the JDK's wrapping decoder reads its source one
     * byte per call, which made a PEM input several times slower to verify than the same DER.
     */
    private static final class Base64Body extends InputStream {
        private static final int BLOCK = 64 * 1024;
        private final InputStream in;
        private final byte[] raw = new byte[BLOCK];
        private final byte[] text = new byte[BLOCK + 4];
        private int textLength;
        private byte[] decoded = new byte[0];
        private int position;
        private boolean textEnded;

        Base64Body(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (position == decoded.length) {
                if (textEnded && textLength == 0) {
                    return -1;
                }
                fill();
            }
            int n = Math.min(len, decoded.length - position);
            System.arraycopy(decoded, position, b, off, n);
            position += n;
            return n;
        }

        /** Reads a block of text and decodes its whole groups of four characters (all that is left at the end). */
        private void fill() throws IOException {
            while (!textEnded && textLength < BLOCK) {
                int n = in.read(raw, 0, Math.min(raw.length, BLOCK - textLength));
                if (n <= 0) {
                    textEnded = true;
                    break;
                }
                for (int i = 0; i < n; i++) {
                    byte c = raw[i];
                    if (c == '-') {
                        textEnded = true;
                        break;
                    }
                    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
                        text[textLength++] = c;
                    }
                }
            }
            int whole = textEnded ? textLength : textLength - textLength % 4;
            try {
                decoded = Base64.getDecoder().decode(java.util.Arrays.copyOf(text, whole));
            } catch (IllegalArgumentException e) {
                throw new IOException("the PEM text is not base64: " + e.getMessage(), e);
            }
            position = 0;
            System.arraycopy(text, whole, text, 0, textLength - whole);
            textLength -= whole;
        }
    }
}
