package org.hsmkit.core.internal.cms;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import org.hsmkit.core.HsmkitException;

/**
 * Turns write failures (full disk, file size limit) into {@link HsmkitException} of kind IO at
 * once, so that they are not mistaken for damaged input by code that also reads.
 */
public final class WriteFailure {
    private WriteFailure() {
    }

    /**
     * Like {@link #guard}, and closing the result only flushes {@code out}: for generators that
     * close their output while the caller still owns it.
     */
    public static OutputStream guardKeepingOpen(OutputStream out) {
        return guard(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        });
    }

    public static OutputStream guard(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw fail(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw fail(e);
                }
            }

            @Override
            public void flush() {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw fail(e);
                }
            }

            @Override
            public void close() {
                try {
                    out.close();
                } catch (IOException e) {
                    throw fail(e);
                }
            }
        };
    }

    private static HsmkitException fail(IOException e) {
        return HsmkitException.io("cannot write the output: " + e.getMessage(), e);
    }
}
