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
            return new Opened(true, LengthBound.mark(Base64.getMimeDecoder().wrap(new UntilDash(in)), bound));
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

    /** Passes base64 text up to the END line (base64 never contains '-'). */
    private static final class UntilDash extends InputStream {
        private final InputStream in;
        private boolean done;

        UntilDash(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            int c = in.read();
            if (c == '-' || c == -1) {
                done = true;
                return -1;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            int n = in.read(b, off, len);
            if (n <= 0) {
                done = true;
                return -1;
            }
            for (int i = 0; i < n; i++) {
                if (b[off + i] == '-') {
                    done = true;
                    return i == 0 ? -1 : i;
                }
            }
            return n;
        }
    }
}
