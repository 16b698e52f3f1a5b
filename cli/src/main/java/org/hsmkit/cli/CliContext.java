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

    /** Resolves a user-given path against the working directory. */
    public Path resolve(String path) {
        return workingDirectory.resolve(path);
    }
}
