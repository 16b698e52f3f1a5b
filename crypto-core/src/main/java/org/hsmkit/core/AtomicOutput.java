package org.hsmkit.core;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * An output that appears at its destination only when {@link #commit()} is called: bytes go to a
 * temporary file beside the target (or, for standard output, a temporary spool file) and are moved
 * or copied into place at commit. Closing without commit deletes the temporary file, so a failed or
 * interrupted operation leaves nothing at the destination. An interrupted process (Ctrl-C, SIGTERM)
 * removes its temporary files as it exits; one killed outright (SIGKILL, power cut) leaves the hidden {@code .TARGET.PID-START.NNN.partial} file, which the next output to the same
 * target removes (see {@link WorkFiles}); the target itself is either absent, the old file, or
 * complete.
 *
 * <p>Refuses, before anything is written, to write over the input or over an existing file
 * unless forced. A target that exists and is neither a regular file nor a directory — {@code
 * /dev/null}, {@code /dev/stdout}, a named pipe — is no file to replace: it is written as standard
 * output is (spooled, then copied into it at commit, so that it too receives only finished bytes),
 * without "exists" and without a temporary file beside it.
 *
 * <p>Output that protects itself — ciphertext, signatures — may instead go to such a destination as
 * it is written ({@link Release#AS_WRITTEN}), so that a 20 GB encryption into a pipe needs no
 * spool space and its reader starts at once. A regular file is always written beside and moved.
 */
public final class AtomicOutput implements AutoCloseable {
    /** When bytes reach a destination that is not a regular file: standard output, a pipe, a device. */
    public enum Release {
        /**
         * Only at {@link #commit()}: the reader never sees bytes of an operation that then fails.
         * For what a reader would trust as it reads — decrypted or verified content.
         */
        AT_COMMIT,
        /**
         * As they are written. For output that a reader checks before trusting it (ciphertext,
         * signed data): when the operation fails part of the way the reader has received a truncated
         * output, and the exit code says so. Regular files are still written beside and moved.
         */
        AS_WRITTEN
    }

    private final Path target;
    private final OutputStream stdout;
    private final boolean force;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream out;
    /** Whether bytes go straight to {@link #stdout} (no temporary file). */
    private final boolean direct;
    private boolean durable;
    private boolean committed;
    private boolean closed;

    private AtomicOutput(Path target, OutputStream stdout, boolean force) throws IOException {
        this.target = target;
        this.stdout = stdout;
        this.force = force;
        this.direct = false;
        // named after this process, so that the next run removes what a killed run left (WorkFiles)
        this.temp = target != null ? WorkFiles.beside(target, ".partial") : WorkFiles.temporary("stdout", ".spool");
        // WRITE without TRUNCATE_EXISTING: the file is new and empty, and on ext4 an O_TRUNC open
        // makes close() start writing the whole file to disk (its replace-via-truncate safeguard),
        // which cost 0.35 s at close, and 1.3 s more for whoever deleted it, per GiB measured here
        this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
        this.out = Channels.newOutputStream(channel);
    }

    /** Straight to {@code destination}, which is not a regular file. */
    private AtomicOutput(OutputStream destination) {
        this.target = null;
        this.stdout = destination;
        this.force = true;
        this.direct = true;
        this.temp = null;
        this.channel = null;
        this.out = destination instanceof PrintStream ps ? new ReaderGone(ps) : destination;
    }

    /**
     * A PrintStream (System.out) keeps write errors to itself: without asking after each write, a
     * reader that went away (`| head`) would be noticed only after the whole input was encrypted.
     */
    private static final class ReaderGone extends FilterOutputStream {
        private final PrintStream ps;

        ReaderGone(PrintStream ps) {
            super(ps);
            this.ps = ps;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ps.write(b, off, len);
            if (ps.checkError()) {
                throw new IOException("the reader went away, or the stream failed");
            }
        }
    }

    /**
     * Makes {@link #commit()} write the file to the disk before moving it into place, and the
     * directory entry after: for small files that must survive a power cut (the soft token), not
     * for bulk output, where the synchronous write would cost seconds per gigabyte.
     */
    public AtomicOutput durable() {
        this.durable = true;
        return this;
    }

    /**
     * Prepares to write {@code target}.
     *
     * @param inputs the files the operation reads; the target may be none of them
     * @throws HsmkitException USAGE when the target is an input, or exists and {@code force} is off
     */
    public static AtomicOutput toFile(Path target, boolean force, Path... inputs) {
        return toFile(target, force, Release.AT_COMMIT, inputs);
    }

    /**
     * As {@link #toFile(Path, boolean, Path...)}; {@code release} says when a target that is not a
     * regular file receives the bytes.
     */
    public static AtomicOutput toFile(Path target, boolean force, Release release, Path... inputs) {
        if (isSpecial(check(target, force, inputs))) {
            return toStream(new OpenedAtFirstWrite(target), release);
        }
        try {
            return new AtomicOutput(target, null, force);
        } catch (IOException e) {
            throw HsmkitException.io("cannot create a file beside " + target + ": " + e.getMessage(), e);
        }
    }

    /** Spools to a temporary file and copies to {@code stdout} only at commit. */
    public static AtomicOutput toStream(OutputStream stdout) {
        return toStream(stdout, Release.AT_COMMIT);
    }

    /**
     * Writes to {@code stdout}: spooled and copied at commit, or as written. Either way the stream
     * is flushed at commit and not closed (a pipe opened for this output is closed).
     */
    public static AtomicOutput toStream(OutputStream stdout, Release release) {
        if (release == Release.AS_WRITTEN) {
            return new AtomicOutput(stdout);
        }
        try {
            return new AtomicOutput(null, stdout, true);
        } catch (IOException e) {
            throw HsmkitException.io("cannot create a temporary spool file: " + e.getMessage(), e);
        }
    }

    /**
     * Checks a target without creating anything (but removing what killed runs left beside it,
     * so that the next run of a command cleans up even when it then refuses to overwrite).
     */
    public static void checkTarget(Path target, boolean force, Path... inputs) {
        check(target, force, inputs);
    }

    /** {@link #checkTarget}, returning the target's attributes (null when there is nothing there). */
    private static BasicFileAttributes check(Path target, boolean force, Path... inputs) {
        // one look at the target: a batch checks thousands of them, most of which do not exist
        BasicFileAttributes existing = attributes(target);
        if (isSpecial(existing)) {
            return existing;
        }
        WorkFiles.removeAbandoned(target);
        if (existing != null) {
            for (Path in : inputs) {
                try {
                    if (in != null && Files.exists(in) && Files.isSameFile(target, in)) {
                        throw new HsmkitException(ErrorKind.USAGE, "the output " + target + " is the input file",
                                "choose another output with -o");
                    }
                } catch (IOException e) {
                    throw HsmkitException.io("cannot compare " + target + " with " + in + ": " + e.getMessage(), e);
                }
            }
            if (existing.isDirectory()) {
                throw new HsmkitException(ErrorKind.USAGE, "the output " + target + " is a directory",
                        "name a file with -o");
            }
            if (!force) {
                throw new HsmkitException(ErrorKind.USAGE, "the output " + target + " exists",
                        "choose another name with -o, or pass --force to replace it");
            }
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new HsmkitException(ErrorKind.USAGE, "the directory " + parent + " does not exist",
                    "create it first or choose another output");
        }
        return existing;
    }

    /** Whether {@code a} describes a device or a pipe rather than a file or directory. */
    private static boolean isSpecial(BasicFileAttributes a) {
        return a != null && !a.isRegularFile() && !a.isDirectory();
    }

    /** The target's attributes (links followed), or null when there is nothing there. */
    private static BasicFileAttributes attributes(Path target) {
        // java.io.File answers "nothing there" without an exception; Files.readAttributes builds a
        // NoSuchFileException with its stack trace for each of a batch's new outputs
        if (target.getFileSystem() == FileSystems.getDefault() && !target.toFile().exists()) {
            return null;
        }
        try {
            return Files.readAttributes(target, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A device or pipe, opened only when the finished bytes are copied into it (opening a named
     * pipe waits for its reader) and closed after them, so the reader sees the end.
     */
    private static final class OpenedAtFirstWrite extends OutputStream {
        private final Path target;
        private OutputStream out;

        OpenedAtFirstWrite(Path target) {
            this.target = target;
        }

        private OutputStream out() throws IOException {
            if (out == null) {
                out = Files.newOutputStream(target, StandardOpenOption.WRITE);
            }
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            out().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            // the end: hand everything over and let the reader see the end of the pipe
            out().close();
        }

        /**
         * After a failure: the reader sees the end of the pipe, also when it has received nothing.
         * A reader waiting to open a named pipe would otherwise wait for ever (a script's {@code
         * consumer < fifo} hangs instead of seeing the command fail). Opening for reading and
         * writing does not wait for a reader (Linux and the BSDs), so with no reader nothing
         * happens but a short pause; a reader that waits, or opens during the pause (one started
         * beside this command may not have got there yet), is woken and reads an empty stream, as
         * after any writer that failed, and the exit code says what happened.
         */
        void closeIfOpened() throws IOException {
            if (out != null) {
                out.close();
            } else if (isNamedPipe(target)) {
                try (FileChannel wakes = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    Thread.sleep(READER_GRACE_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** How long a failed command holds a named pipe open for a reader that is about to open it. */
    private static final long READER_GRACE_MILLIS = 250;

    private static boolean isNamedPipe(Path p) {
        try {
            return ((Integer) Files.getAttribute(p, "unix:mode") & 0170000) == 0010000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return false; // no unix view: leave the destination alone
        }
    }

    /** Where to write. Closing this stream does not commit. */
    public OutputStream stream() {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    /**
     * The temporary file, for code that must reopen what it wrote (e.g. to verify it).
     *
     * @throws IllegalStateException for an output released as written, which has none
     */
    public Path temporaryFile() {
        if (direct) {
            throw new IllegalStateException("an output released as written has no temporary file");
        }
        return temp;
    }

    /** Moves (or copies, for standard output) the finished bytes into place. */
    public void commit() {
        try {
            if (direct) {
                finishDirect();
                committed = true;
                return;
            }
            out.flush();
            if (durable) {
                channel.force(true);
            }
            out.close();
            if (target != null) {
                if (Files.exists(target) && !force) {
                    throw new FileAlreadyExistsException(target.toString());
                }
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                if (durable) {
                    syncDirectory(target.toAbsolutePath().getParent());
                }
            } else {
                try (InputStream in = Files.newInputStream(temp)) {
                    in.transferTo(stdout);
                }
                finishDirect();
                Files.deleteIfExists(temp);
            }
            committed = true;
        } catch (FileAlreadyExistsException e) {
            throw new HsmkitException(ErrorKind.USAGE, "the output " + target + " appeared while working",
                    "pass --force to replace it");
        } catch (IOException e) {
            throw HsmkitException.io("cannot write " + (target == null ? "standard output" : target.toString())
                    + ": " + e.getMessage(), e);
        }
    }

    /** Hands the last bytes over; a pipe opened for this output is closed so its reader sees the end. */
    private void finishDirect() throws IOException {
        if (stdout instanceof OpenedAtFirstWrite pipe) {
            pipe.close();
        } else {
            stdout.flush();
            // a PrintStream (System.out) keeps write errors to itself, a closed pipe among them
            if (stdout instanceof PrintStream ps && ps.checkError()) {
                throw new IOException("the reader went away, or the stream failed");
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every file system lets a directory be synced; the file itself is on disk
        }
    }

    /** Deletes the temporary file unless committed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!committed && stdout instanceof OpenedAtFirstWrite pipe) {
            try {
                pipe.closeIfOpened();
            } catch (IOException ignored) {
                // the operation's own failure is what the caller reports
            }
        }
        if (direct) {
            return;
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // the file is deleted next; nothing to keep
        }
        if (!committed) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort: a leftover lies beside the target under a hidden .partial name
            }
        }
    }
}
