package org.hsmkit.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * One input of a command, as {@link BatchRunner} hands it to the command's work: where its output
 * goes, and the streams its report and messages go to (buffered per file in a batch, so that the
 * reports of files worked on at once do not interleave).
 */
final class BatchFile {
    private final String input;
    private final String output;
    private final Path outputDir;
    /** The directory relative names are resolved against. */
    private final Path base;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean quiet;
    private final String prefix;
    /** What the batch's files share to keep their outputs apart (null for one file). */
    private final Claims claims;
    private Object report;
    /** The output last named for this file (null until one is). */
    private String named;

    BatchFile(String input, String output, Path outputDir, Path base, PrintStream out, PrintStream err, boolean quiet, boolean inBatch) {
        this(input, output, outputDir, base, out, err, quiet, inBatch, null);
    }

    /**
     * What a batch's files share so that no output is another file's output or any file's input.
     *
     * @param base the directory relative names are resolved against
     * @param inputs every input of the batch, resolved and normalised
     * @param outputs the outputs named so far, and by which file
     * @param force whether existing outputs are replaced (--force)
     */
    record Claims(Path base, Set<Path> inputs, Map<Path, BatchFile> outputs, boolean force) {
        static Claims of(Path base, List<String> inputs, boolean force) {
            return new Claims(base, inputs.stream().map(i -> resolved(base, i)).collect(Collectors.toUnmodifiableSet()),
                    new ConcurrentHashMap<>(), force);
        }

        static Path resolved(Path base, String name) {
            return base.resolve(name).toAbsolutePath().normalize();
        }
    }

    /** @param claims shared by the files of one batch */
    BatchFile(String input, String output, Path outputDir, Path base, PrintStream out, PrintStream err, boolean quiet, boolean inBatch,
            Claims claims) {
        this.claims = claims;
        this.base = base;
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
        if (output == null && outputDir == null && derived != null && !"-".equals(input)) {
            requireRegularInput();
        }
        String name = output != null ? output
                : outputDir != null ? outputDir.resolve(Path.of(derived != null ? derived : input).getFileName()).toString()
                : derived;
        if (claims != null && name != null) {
            claim(name);
        }
        named = name;
        return name;
    }

    /**
     * An output named after its input goes beside it, which makes sense for a file only: for
     * {@code /dev/null} it was {@code /dev/null.p7m} (written into /dev when run as root), for
     * {@code <(…)} an I/O error naming a work file in /dev/fd.
     */
    private void requireRegularInput() {
        Path in = base.resolve(input);
        if (Files.exists(in) && !Files.isRegularFile(in)) {
            throw new HsmkitException(ErrorKind.USAGE, input + " is not a regular file (a device or a pipe): there is no place beside"
                    + " it for an output named after it", "name the output with -o FILE (or -o - for standard output), or use --output-dir DIR");
        }
    }

    /** The output this file's command named ('-' for standard output), or null when it named none. */
    String outputName() {
        return named;
    }

    /**
     * Fails when another file of the batch already named the same output: inputs of the same name
     * from different directories meet in --output-dir, and with --force the second would silently
     * replace the first while both were reported done.
     */
    private void claim(String name) {
        Path target = Claims.resolved(claims.base(), name);
        if (claims.inputs().contains(target)) {
            boolean itself = target.equals(Claims.resolved(claims.base(), input));
            throw new HsmkitException(ErrorKind.USAGE, "its output " + name + (itself ? " is the input itself" : " is another input of this run"),
                    "write the outputs elsewhere with --output-dir DIR");
        }
        BatchFile other = claims.outputs().putIfAbsent(target, this);
        if (other != null && other != this) {
            throw new HsmkitException(ErrorKind.USAGE, "its output " + name + " is also the output of "
                    + (other.input.equals(input) ? "the same input given earlier" : other.input),
                    "give each input once, and inputs of the same name in separate runs (or --output-dir directories)");
        }
        if (!claims.force() && Files.isRegularFile(target)) {
            // said here, not by the output itself, whose hint (-o) does not apply to a batch
            throw new HsmkitException(ErrorKind.USAGE, "its output " + name + " exists", outputDir != null
                    ? "pass --force to replace the outputs, or choose another --output-dir"
                    : "pass --force to replace the outputs, or write them elsewhere with --output-dir DIR");
        }
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
            PrintableLines.println(err, line);
        }
    }

    /** A warning on standard error, also with -q. */
    void warn(String line) {
        PrintableLines.println(err, "hsmkit: warning: " + prefix + line);
    }
}
