package org.hsmkit.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar on standard error for work that takes longer than about a second: files of a
 * batch, or bytes of a big file. Drawn only when standard error is a terminal and -q is not given
 * (never in pipes or CI logs), first after {@link #DELAY_NANOS}, at most ten times a second, and
 * wiped when the work ends, so that what remains on the screen is the usual messages.
 */
final class Progress implements AutoCloseable {
    static final long DELAY_NANOS = 1_000_000_000L;
    private static final long INTERVAL_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final long total;
    private final String unit;
    private final LongSupplier clock;
    private final long start;
    private long done;
    private long drawnAt;
    private boolean everDrawn;
    private boolean drawn;

    Progress(PrintStream err, long total, String unit, LongSupplier clock) {
        this.err = err;
        this.total = total;
        this.unit = unit;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** A bar for {@code session}'s terminal, or null when none is to be drawn. */
    static Progress of(CliSession session, long total, String unit) {
        if (session.quiet() || !session.context().terminal().stderrIsTerminal() || total <= 0) {
            return null;
        }
        return new Progress(session.context().stderr(), total, unit, System::nanoTime);
    }

    /** Adds {@code n} to the work done, and redraws when it is time. */
    synchronized void advance(long n) {
        done += n;
        long now = clock.getAsLong();
        if (now - start < DELAY_NANOS || everDrawn && now - drawnAt < INTERVAL_NANOS && done < total) {
            return;
        }
        drawnAt = now;
        drawn = true;
        everDrawn = true;
        int filled = (int) Math.min(WIDTH, done * WIDTH / total);
        err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + amount(done) + " of " + amount(total) + " "
                + unit + String.format(Locale.ROOT, ", %.0f s ", (now - start) / 1e9));
        err.flush();
    }

    private String amount(long n) {
        if (!unit.equals("bytes") || n < 10L << 20) {
            return Long.toString(n);
        }
        return String.format(Locale.ROOT, "%.0f Mi", n / 1048576.0);
    }

    /** Wipes the bar, if one was drawn. */
    @Override
    public synchronized void close() {
        if (drawn) {
            err.print("\r" + " ".repeat(WIDTH + 60) + "\r");
            err.flush();
            drawn = false;
        }
    }

    /** {@code in}, advancing {@code progress} (which may be null) by the bytes read. */
    static InputStream counting(InputStream in, Progress progress) {
        if (progress == null) {
            return in;
        }
        return new CountingInput(in, progress);
    }

    /** Advances a progress bar by the bytes read; keeps the bound of the stream below. */
    private static final class CountingInput extends FilterInputStream implements org.hsmkit.core.internal.io.LengthBound {
        private final Progress progress;

        CountingInput(InputStream in, Progress progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public long lengthBound() {
            return org.hsmkit.core.internal.io.LengthBound.of(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                progress.advance(n);
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            progress.close();
            super.close();
        }
    }
}
