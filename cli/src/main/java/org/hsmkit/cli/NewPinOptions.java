package org.hsmkit.cli;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;

import picocli.CommandLine.Option;

/** Where a new user PIN comes from: a file, a variable, or the terminal (asked twice). */
final class NewPinOptions {
    @Option(names = "--new-pin-file", paramLabel = "FILE", description = "read the new PIN from the first line of FILE")
    String file;

    @Option(names = "--new-pin-env", paramLabel = "VAR", description = "read the new PIN from environment variable VAR")
    String env;

    char[] read(CliSession session, String prompt) {
        return source(session).pin(prompt, file == null && env == null);
    }

    /** The source of the new PIN; the terminal asks twice when a caller confirms. */
    PinSource source(CliSession session) {
        return source(session, file, env, "--new-pin-file", "--new-pin-env", "the new PIN");
    }

    static PinSource source(CliSession session, String file, String env, String fileOption, String envOption, String what) {
        if (file != null && env != null) {
            throw new HsmkitException(ErrorKind.USAGE, fileOption + " and " + envOption + " exclude each other", "give one of them");
        }
        return file != null ? PinSource.fromFile(session.context().resolve(file))
                : env != null ? session.fromEnvironment(env, "export " + env + " with " + what + ", or use " + fileOption)
                        : session.prompted("pass " + fileOption + " FILE or " + envOption + " VAR");
    }
}
