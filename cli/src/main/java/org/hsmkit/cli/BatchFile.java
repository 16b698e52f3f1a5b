package org.hsmkit.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * One input of a command, as {@link BatchRunner} hands it to the command's work: where its output
 * goes, and the streams its report and messages go to (buffered per file in a batch, so that the
 * reports of files worked on at once do not interleave).
 */
final class BatchFile {
    private final String input;
    private final String output;
    private final Path outputDir;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean quiet;
    private final String prefix;
    private Object report;

    BatchFile(String input, String output, Path outputDir, PrintStream out, PrintStream err, boolean quiet, boolean inBatch) {
        this.prefix = inBatch ? input + ": " : "";
        this.input = input;
        this.output = output;
        this.outputDir = outputDir;
        this.out = out;
        this.err = err;
        this.quiet = quiet;
    }

    /** The input as given ('-' is standard input). */
    String input() {
        return input;
    }

    /**
     * The output name: {@code -o} when given; else {@code derived} (the name beside the input; null
     * when none can be derived), moved into {@code --output-dir} when that is given (keeping the
     * input's own name when nothing is derived).
     */
    String output(String derived) {
        if (output != null) {
            return output;
        }
        if (outputDir != null) {
            String base = derived != null ? derived : input;
            return outputDir.resolve(Path.of(base).getFileName()).toString();
        }
        return derived;
    }

    /** Whether the output was named by -o or --output-dir (rather than left to the default). */
    boolean outputNamed() {
        return output != null || outputDir != null;
    }

    /** Where the command's report goes (standard output, or this file's buffer in a batch). */
    PrintStream out() {
        return out;
    }

    /**
     * Hands over the file's --json report: printed at once for one file, or kept for the batch
     * summary, which lists every file's report.
     */
    void report(Object report) {
        if (prefix.isEmpty()) {
            JsonOutput.print(out, report);
        } else {
            this.report = report;
        }
    }

    /** The report handed over in a batch, or null. */
    Object report() {
        return report;
    }

    /** A status line on standard error unless -q. */
    void info(String line) {
        if (!quiet) {
            err.println(line);
        }
    }

    /** A warning on standard error, also with -q. */
    void warn(String line) {
        err.println("hsmkit: warning: " + prefix + line);
    }
}
