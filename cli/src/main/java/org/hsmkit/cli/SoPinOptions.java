package org.hsmkit.cli;

import org.hsmkit.core.PinSource;

import picocli.CommandLine.Option;

/** Where the security officer's PIN comes from: a file, a variable, or the terminal. */
final class SoPinOptions {
    @Option(names = "--so-pin-file", paramLabel = "FILE", description = "read the SO-PIN (16 hex digits) from FILE")
    String file;

    @Option(names = "--so-pin-env", paramLabel = "VAR", description = "read the SO-PIN from environment variable VAR")
    String env;

    PinSource source(CliSession session) {
        return NewPinOptions.source(session, file, env, "--so-pin-file", "--so-pin-env", "the SO-PIN");
    }

    /** Whether the SO-PIN is asked on the terminal (and so asked twice when it is set). */
    boolean prompted() {
        return file == null && env == null;
    }
}
