package org.hsmkit.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may touch outside its arguments: standard streams, the environment, the working
 * directory and the user's terminal. {@link Main} passes the real ones; tests pass their own.
 */
public record CliContext(InputStream stdin, PrintStream stdout, PrintStream stderr, Map<String, String> env,
        Path workingDirectory, Terminal terminal) {

    public CliContext {
        terminal = terminal == null ? Terminal.none() : terminal;
    }

    /** A context without a terminal: prompts are refused (as when run from a script). */
    public CliContext(InputStream stdin, PrintStream stdout, PrintStream stderr, Map<String, String> env,
            Path workingDirectory) {
        this(stdin, stdout, stderr, env, workingDirectory, Terminal.none());
    }

    public static CliContext system() {
        return new CliContext(System.in, System.out, System.err, System.getenv(), Path.of("").toAbsolutePath(),
                Terminal.system());
    }

    /**
     * At most how many bytes standard input holds, or -1 when that is unknown (a pipe, a
     * terminal): the size of a file redirected into the process ({@code < file}, seen through
     * /proc/self/fd/0), or what a test's stream says of itself. Parsers hold every length they
     * meet to it.
     */
    public long stdinBound() {
        if (stdin != System.in) {
            return org.hsmkit.core.internal.io.LengthBound.of(stdin);
        }
        try {
            Path fd0 = Path.of("/proc/self/fd/0");
            return java.nio.file.Files.isRegularFile(fd0) ? java.nio.file.Files.size(fd0) : -1;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resolves a user-given path against the working directory. */
    public Path resolve(String path) {
        return workingDirectory.resolve(path);
    }
}
