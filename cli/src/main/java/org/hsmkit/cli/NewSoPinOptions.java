package org.hsmkit.cli;

import picocli.CommandLine.Option;

/** Where a new SO-PIN comes from: a file, a variable, or the terminal (asked twice). */
final class NewSoPinOptions {
    @Option(names = "--new-so-pin-file", paramLabel = "FILE", description = "read the new SO-PIN from the first line of FILE")
    String file;

    @Option(names = "--new-so-pin-env", paramLabel = "VAR", description = "read the new SO-PIN from environment variable VAR")
    String env;

    char[] read(CliSession session, String prompt) {
        return NewPinOptions.source(session, file, env, "--new-so-pin-file", "--new-so-pin-env", "the new SO-PIN")
                .pin(prompt, file == null && env == null);
    }
}
