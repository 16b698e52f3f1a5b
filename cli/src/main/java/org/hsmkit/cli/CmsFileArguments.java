package org.hsmkit.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.io.SeekOptionalInputStream;

/**
 * The input and output conventions of the file commands: {@code -} is standard input or output,
 * an output name is derived from the input when {@code -o} is absent, and outputs are atomic.
 */
final class CmsFileArguments {
    private final CliSession session;

    private boolean inBatch;

    CmsFileArguments(CliSession session) {
        this.session = session;
    }

    /** Marks the files as part of a batch, whose bar counts files rather than bytes. */
    CmsFileArguments inBatch(boolean batch) {
        this.inBatch = batch;
        return this;
    }

    /** The input path, or null for standard input. */
    Path inputPath(String in) {
        return "-".equals(in) ? null : session.context().resolve(in);
    }

    InputStream open(String in) {
        Path p = inputPath(in);
        if (p == null) {
            session.claimStdin("the input");
            return org.hsmkit.core.internal.io.LengthBound.mark(new BufferedInputStream(session.context().stdin(), 1 << 16),
                    session.context().stdinBound());
        }
        if (Files.isDirectory(p)) {
            throw new HsmkitException(ErrorKind.USAGE, in + " is a directory", "name a file");
        }
        try {
            // a named pipe or <(…) cannot seek, and the parsers skip what they do not need
            // the size bounds every length the parsers meet (-1 for a pipe: no bound)
            long size = Files.isRegularFile(p) ? Files.size(p) : -1;
            InputStream file = SeekOptionalInputStream.around(Files.newInputStream(p), size);
            // one file's bytes; in a batch the bar counts files instead
            return inBatch ? file : Progress.counting(file, Progress.of(session, Files.size(p), "bytes"));
        } catch (NoSuchFileException e) {
            throw HsmkitException.input("the input " + in + " does not exist", "check the path");
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + in + ": " + e.getMessage(), e);
        }
    }

    /**
     * The output: {@code -o} when given ({@code -} is standard output), else the derived name,
     * else standard output when the input is standard input. Checked before anything is created.
     *
     * @param derived the default name for a file input, or null when none can be derived
     */
    AtomicOutput output(String o, String in, String derived, String what) {
        return output(o, in, derived, what, AtomicOutput.Release.AT_COMMIT, false);
    }

    /**
     * As {@link #output(String, String, String, String)}; {@code release} says when standard
     * output, a pipe or a device receives the bytes (as written only for ciphertext and signatures);
     * {@code binary} output is refused when standard output is a terminal.
     */
    AtomicOutput output(String o, String in, String derived, String what, AtomicOutput.Release release, boolean binary) {
        Path inPath = inputPath(in);
        // with --json a failure prints its JSON on standard output (maybe -o /dev/stdout): it must
        // not follow half an output
        AtomicOutput.Release when = session.json() ? AtomicOutput.Release.AT_COMMIT : release;
        if ("-".equals(o) || (o == null && inPath == null)) {
            if (binary) {
                session.refuseBinaryOnTerminal();
            }
            return AtomicOutput.toStream(session.context().stdout(), when);
        }
        String name = o != null ? o : derived;
        if (name == null) {
            throw new HsmkitException(ErrorKind.USAGE, "cannot derive the " + what + " name from " + in, "name it with -o");
        }
        Path target = session.context().resolve(name);
        return AtomicOutput.toFile(target, session.forced(), when, inPath);
    }

    /**
     * Refuses a bad output file (one that exists, without --force; the input itself; one in a
     * missing directory) before the command opens the token and asks for the PIN: {@code o}, or else
     * {@code derived} (null or '-': standard output).
     */
    void checkOutputFirst(String o, String in, String derived) {
        String target = o != null ? o : "-".equals(in) ? null : derived;
        if (target != null && !target.equals("-")) {
            AtomicOutput.checkTarget(session.context().resolve(target), session.forced(),
                    "-".equals(in) ? new Path[0] : new Path[] {session.context().resolve(in)});
        }
    }

    /** How to name an output in messages. */
    static String describe(String o, String in, String derived) {
        if ("-".equals(o) || (o == null && "-".equals(in))) {
            return "standard output";
        }
        return o != null ? o : derived;
    }
}
