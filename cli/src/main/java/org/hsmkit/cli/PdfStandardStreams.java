package org.hsmkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.WorkFiles;

/**
 * {@code -} for a PDF input (standard input) or output (standard output). PDFs are read with
 * random access, and a signed PDF is checked on disk before it is released, so the bytes pass
 * through work files in the temporary directory: standard input is copied into one before it is
 * read, and a PDF for standard output is written into one and copied out only when complete.
 * {@link #close} removes them.
 */
final class PdfStandardStreams implements AutoCloseable {
    static final String STANDARD = "-";

    private final CliSession session;
    private final List<Path> work = new ArrayList<>();
    private Path forStdout;

    PdfStandardStreams(CliSession session) {
        this.session = session;
    }

    /** The file to read for {@code name}; for {@code -}, standard input copied into a work file. */
    Path input(String name) {
        if (!STANDARD.equals(name)) {
            return session.context().resolve(name);
        }
        session.claimStdin("the input");
        try {
            Path p = track(WorkFiles.temporary("pdf-stdin", ".pdf"));
            try (InputStream in = session.context().stdin()) {
                Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            }
            return p;
        } catch (IOException e) {
            throw HsmkitException.io("cannot read standard input: " + e.getMessage(), e);
        }
    }

    /** The file to write for {@code name}, or for {@code -} a work file that {@link #release} copies to standard output. */
    Path output(String name, Path otherwise) {
        if (name == null) {
            return otherwise;
        }
        if (!STANDARD.equals(name)) {
            return session.context().resolve(name);
        }
        session.refuseBinaryOnTerminal(); // before anything is signed, as for the other binary outputs
        try {
            forStdout = track(WorkFiles.temporary("pdf-stdout", ".pdf"));
            return forStdout; // made empty, so that the name is this process's: write it with replace(target)
        } catch (IOException e) {
            throw HsmkitException.io("cannot create a work file: " + e.getMessage(), e);
        }
    }

    /** Whether writing {@code target} may replace it: with --force, and always for the work file of standard output. */
    boolean replace(Path target) {
        return session.forced() || isStdout(target);
    }

    /** True when {@code p} is the work file standing for standard output. */
    boolean isStdout(Path p) {
        return p != null && p.equals(forStdout);
    }

    /** Copies the finished PDF to standard output, when the output was {@code -}. */
    void release(Path written) {
        if (!isStdout(written)) {
            return;
        }
        OutputStream out = session.context().stdout();
        try {
            Files.copy(written, out);
            out.flush();
        } catch (IOException e) {
            throw HsmkitException.io("cannot write to standard output: " + e.getMessage(), e);
        }
    }

    /** {@code e} with the work files named as what they stand for ("standard input", "standard output"). */
    HsmkitException named(HsmkitException e) {
        String m = e.getMessage();
        for (Path p : work) {
            m = m.replace(p.toString(), p.equals(forStdout) ? "standard output" : "standard input");
        }
        return m.equals(e.getMessage()) ? e : new HsmkitException(e.kind(), m, e.hint().orElse(null), e);
    }

    private Path track(Path p) {
        work.add(p);
        return p;
    }

    @Override
    public void close() {
        for (Path p : work) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a work file in the temporary directory; the next run removes abandoned ones
            }
        }
    }
}
