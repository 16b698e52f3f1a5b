package org.hsmkit.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * Runs a command's work on each of its inputs: the one loop every file command uses. One input
 * runs as it always did (its failure is the command's failure). Several inputs — or a
 * {@code --files-from} list — make a batch: each file is worked on and reported on its own, with
 * outputs named as for one file (or in {@code --output-dir}), each atomic; a failing file does not
 * stop the others unless {@code --fail-fast}; a failure of the token or key itself (a token that
 * went away, a key it will not use this way) stops the batch, since every other file would fail
 * alike; a summary line ends the run; the exit code is the highest one met (1 verification failed
 * &lt; 2 usage &lt; 3 key &lt; 4 input &lt; 5 I/O).
 *
 * <p>Files are worked on by several threads (the hashing and symmetric cryptography of different
 * files run on different cores); a command does its token login and anything else shared before it
 * calls {@link #run}, so the token is opened once, and its keys serialise their own operations as
 * the token requires. The reports of the files are printed whole, in the order of the inputs.
 */
final class BatchRunner {
    /** A command's work on one input; returns its exit code (0, or 1 for a failed verification). */
    @FunctionalInterface
    interface Work {
        int run(BatchFile file) throws Exception;
    }

    /** How one file ended. */
    record Outcome(String input, int code, ErrorReporter.Failure failure, Object report, String output) {
        boolean skipped() {
            return code < 0;
        }
    }

    /** Why files were left untried. */
    enum Stop {
        FAIL_FAST("fail-fast", "--fail-fast"),
        KEY("key", "the token or key failed, not the file");

        final String json;
        final String why;

        Stop(String json, String why) {
            this.json = json;
            this.why = why;
        }
    }

    /**
     * What a batch did: per file, in input order, and the exit code.
     *
     * @param stoppedBy why files were left untried, or null when every file was tried
     */
    record Summary(String verb, List<Outcome> files, int exitCode, Stop stoppedBy) {
        long done() {
            return files.stream().filter(o -> o.code() == 0).count();
        }

        long failed() {
            return files.stream().filter(o -> o.code() > 0).count();
        }

        long skipped() {
            return files.stream().filter(Outcome::skipped).count();
        }
    }

    private final CliSession session;
    private final BatchOptions options;
    private final String verb;
    /** Per worker thread: a new pair of print streams per file allocated more than a 4 KiB file's encryption. */
    private final ThreadLocal<Capture> capture = ThreadLocal.withInitial(Capture::new);
    /** Set when the batch starts. */
    private BatchFile.Claims claims;
    private boolean outputDirRequired;
    private Runnable afterAnyDone = () -> { };

    /** @param verb what the command did to a file, for the summary ("encrypted", "verified") */
    BatchRunner(CliSession session, BatchOptions options, String verb) {
        this.session = session;
        this.options = options == null ? new BatchOptions() : options;
        this.verb = verb;
    }

    /** For commands whose one output goes to standard output: a batch needs --output-dir. */
    BatchRunner outputDirRequired() {
        this.outputDirRequired = true;
        return this;
    }

    /**
     * The inputs: those on the command line, then those of --files-from. Fails with USAGE when
     * there are none.
     */
    List<String> inputs(List<String> positional) {
        List<String> all = new ArrayList<>(positional == null ? List.of() : positional);
        if (options.filesFrom != null) {
            all.addAll(readList(options.filesFrom));
        } else if (options.nul) {
            throw new HsmkitException(ErrorKind.USAGE, "-0 applies to --files-from, which is not given",
                    "add --files-from FILE (or '-' for standard input)");
        }
        if (all.isEmpty()) {
            throw new HsmkitException(ErrorKind.USAGE, "no input given", options.filesFrom != null
                    ? options.filesFrom + " lists no file" : "name the input file(s), or list them with --files-from FILE");
        }
        return all;
    }

    /** Whether the inputs make a batch (rather than the one-file run). */
    boolean isBatch(List<String> inputs) {
        return inputs.size() > 1 || options.filesFrom != null;
    }

    /**
     * For a single input, refuses a bad output (an existing file without --force, the input itself,
     * a missing directory) before the command opens the token and asks for the PIN: {@code -o}, or
     * else the name {@code derive} gives beside the input (null: standard output). Batches and
     * --output-dir are checked per file as they run.
     */
    void checkOutputFirst(List<String> inputs, String output, java.util.function.UnaryOperator<String> derive) {
        if (isBatch(inputs) || options.outputDir != null) {
            return;
        }
        String in = inputs.get(0);
        new CmsFileArguments(session).checkOutputFirst(output, in, "-".equals(in) ? null : derive.apply(in));
    }

    /**
     * Has {@code action} run once after the work, when at least one file was done: after the
     * single file, or before a batch's summary line.
     */
    void afterAnyDone(Runnable action) {
        this.afterAnyDone = action;
    }

    /**
     * Checks the arguments, then runs {@code work} once per input; returns the exit code. Call
     * it after the command prepared what all files share (keys, recipients, the login).
     *
     * @param output {@code -o}, or null
     */
    int run(List<String> inputs, String output, Work work) throws Exception {
        if (options.jobs != null && options.jobs < 1) {
            throw new HsmkitException(ErrorKind.USAGE, "--jobs " + options.jobs + " is not a number of workers", "give 1 or more");
        }
        if (output != null && options.outputDir != null) {
            throw new HsmkitException(ErrorKind.USAGE, "-o and --output-dir exclude each other",
                    "give -o FILE for one input, or --output-dir DIR for outputs named after their inputs");
        }
        Path outputDir = outputDirectory();
        if (outputDir != null && output == null && inputs.size() == 1 && "-".equals(inputs.get(0))) {
            // the output would be named after its input, and standard input has no name: a file called '-' appeared
            throw new HsmkitException(ErrorKind.USAGE, "standard input has no file name to write under --output-dir",
                    "name the output with -o FILE, or leave --output-dir out to write to standard output");
        }
        if (!isBatch(inputs)) {
            BatchFile one = new BatchFile(inputs.get(0), output, outputDir, session.context().resolve("."), session.context().stdout(),
                    session.context().stderr(),
                    session.quiet(), false);
            int code = work.run(one);
            if (code == 0) {
                afterAnyDone.run();
            }
            return code;
        }
        check(inputs, output, outputDir);
        claims = BatchFile.Claims.of(session.context().resolve("."), inputs, session.forced());
        return report(runAll(inputs, outputDir, work));
    }

    private void check(List<String> inputs, String output, Path outputDir) {
        if (output != null) {
            throw new HsmkitException(ErrorKind.USAGE, "-o names one output, but " + inputs.size() + " inputs are given",
                    "use --output-dir DIR, or leave -o out to write each output beside its input");
        }
        if (inputs.contains("-")) {
            throw new HsmkitException(ErrorKind.USAGE, "standard input ('-') cannot be one of several inputs",
                    "name files only, or give '-' alone");
        }
        if (outputDirRequired && outputDir == null) {
            throw new HsmkitException(ErrorKind.USAGE, "with several inputs the outputs need --output-dir",
                    "give --output-dir DIR (one message goes to standard output, several cannot)");
        }
    }

    private Path outputDirectory() {
        if (options.outputDir == null) {
            return null;
        }
        Path dir = session.context().resolve(options.outputDir);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new HsmkitException(ErrorKind.USAGE, "--output-dir " + options.outputDir + " is not a directory",
                    "name a directory (it is created when missing)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw HsmkitException.io("cannot create the directory " + options.outputDir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private Summary runAll(List<String> inputs, Path outputDir, Work work) throws InterruptedException {
        int threads = Math.max(1, Math.min(inputs.size(),
                options.jobs != null ? options.jobs : Runtime.getRuntime().availableProcessors()));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean keyFailed = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "hsmkit-batch");
            t.setDaemon(true);
            return t;
        });
        PrintStream stdout = session.context().stdout();
        PrintStream stderr = session.context().stderr();
        List<Outcome> outcomes = new ArrayList<>();
        int worst = 0;
        Progress progress = Progress.of(session, inputs.size(), "files");
        try {
            List<Future<Buffered>> futures = new ArrayList<>();
            for (String in : inputs) {
                futures.add(pool.submit(() -> one(in, outputDir, work, stop, keyFailed)));
            }
            for (Future<Buffered> f : futures) {
                Buffered b;
                try {
                    b = f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
                stdout.write(b.out, 0, b.out.length);
                stdout.flush();
                if (progress != null && (b.err.length > 0 || b.outcome.failure() != null)) {
                    progress.close(); // the bar is drawn again below these lines
                }
                stderr.write(b.err, 0, b.err.length);
                Outcome o = b.outcome;
                if (o.failure() != null) {
                    PrintableLines.println(stderr, "hsmkit: error: " + o.input() + ": " + o.failure().message());
                    if (o.failure().hint() != null) {
                        PrintableLines.println(stderr, "hsmkit: hint: " + o.failure().hint());
                    }
                }
                stderr.flush();
                outcomes.add(o);
                worst = Math.max(worst, o.code());
                if (progress != null) {
                    progress.advance(1);
                }
            }
        } finally {
            if (progress != null) {
                progress.close();
            }
            pool.shutdownNow();
        }
        boolean skipped = outcomes.stream().anyMatch(Outcome::skipped);
        return new Summary(verb, List.copyOf(outcomes), worst, !skipped ? null : keyFailed.get() ? Stop.KEY : Stop.FAIL_FAST);
    }

    /** One file's outcome and what it printed. */
    private record Buffered(Outcome outcome, byte[] out, byte[] err) {
    }

    private Buffered one(String in, Path outputDir, Work work, AtomicBoolean stop, AtomicBoolean keyFailed) {
        if ((options.failFast && stop.get()) || keyFailed.get()) {
            return new Buffered(new Outcome(in, -1, null, null, null), new byte[0], new byte[0]);
        }
        Capture c = capture.get();
        c.reset();
        int code;
        ErrorReporter.Failure failure = null;
        BatchFile file;
        try {
            file = new BatchFile(in, null, outputDir, claims.base(), c.out, c.err, session.quiet(), true, claims);
            code = work.run(file);
        } catch (Exception | LinkageError | StackOverflowError ex) {
            failure = ErrorReporter.describe(ex);
            code = failure.code();
            file = null;
        }
        if (code != 0) {
            stop.set(true);
        }
        if (failure != null && failure.failsEveryInput()) {
            keyFailed.set(true);
        }
        Outcome o = new Outcome(in, code, failure, file == null ? null : file.report(),
                file == null || code != 0 ? null : file.outputName());
        return new Buffered(o, c.outBytes(), c.errBytes());
    }

    /** What a file prints, held until its turn: one pair per worker thread, emptied for each file. */
    private static final class Capture {
        private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        void reset() {
            out.flush();
            err.flush();
            outBytes.reset();
            errBytes.reset();
        }

        byte[] outBytes() {
            out.flush();
            return outBytes.toByteArray();
        }

        byte[] errBytes() {
            err.flush();
            return errBytes.toByteArray();
        }
    }

    private int report(Summary s) {
        if (s.done() > 0) {
            afterAnyDone.run();
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "hsmkit: %s %d of %d file%s", s.verb(), s.done(),
                s.files().size(), s.files().size() == 1 ? "" : "s"));
        if (s.failed() > 0) {
            line.append(String.format(Locale.ROOT, "; %d failed", s.failed()));
        }
        if (s.skipped() > 0) {
            line.append(String.format(Locale.ROOT, "; %d not tried (%s)", s.skipped(), s.stoppedBy().why));
        }
        if (s.exitCode() != 0) {
            line.append(" (exit code ").append(s.exitCode()).append(')');
        }
        if (s.exitCode() != 0 || !session.quiet()) {
            session.context().stderr().println(line);
        }
        if (session.json()) {
            JsonOutput.print(session.context().stdout(), JsonReports.Batch.of(s));
        }
        return s.exitCode();
    }

    private List<String> readList(String file) {
        if (file.equals("-")) {
            session.claimStdin("the list of inputs");
        }
        try (InputStream in = file.equals("-") ? session.context().stdin() : Files.newInputStream(session.context().resolve(file))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> names = new ArrayList<>();
            for (String n : text.split(options.nul ? "\0" : "\r?\n")) {
                if (!n.isEmpty()) {
                    names.add(n);
                }
            }
            return names;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new HsmkitException(ErrorKind.USAGE, "the list " + file + " does not exist", "check the --files-from path");
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the list " + file + ": " + e.getMessage(), e);
        }
    }
}
