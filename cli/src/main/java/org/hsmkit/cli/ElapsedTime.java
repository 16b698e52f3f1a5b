package org.hsmkit.cli;

/**
 * The "in 1.23 s" of a command's closing line. Written out by hand: {@code String.format("%.2f")}
 * was a sixth of the time a batch spent on each small file.
 */
final class ElapsedTime {
    private ElapsedTime() {
    }

    /** Seconds since {@code startNanos} (from {@link System#nanoTime()}), to the hundredth: "0.07 s". */
    static String since(long startNanos) {
        return of(System.nanoTime() - startNanos);
    }

    static String of(long nanos) {
        long hundredths = (Math.max(0, nanos) + 5_000_000) / 10_000_000;
        long fraction = hundredths % 100;
        return hundredths / 100 + (fraction < 10 ? ".0" : ".") + fraction + " s";
    }
}
