package org.hsmkit.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may touch outside its arguments: standard streams, the environment and the
 * working directory. {@link Main} passes the real ones; tests pass their own.
 */
public record CliContext(InputStream stdin, PrintStream stdout, PrintStream stderr, Map<String, String> env, Path workingDirectory) {

    public static CliContext system() {
        return new CliContext(System.in, System.out, System.err, System.getenv(), Path.of("").toAbsolutePath());
    }

    /** Resolves a user-given path against the working directory. */
    public Path resolve(String path) {
        return workingDirectory.resolve(path);
    }
}
