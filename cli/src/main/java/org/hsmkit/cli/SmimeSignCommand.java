package org.hsmkit.cli;

import picocli.CommandLine.Command;

/** {@code hsmkit smime sign}. */
@Command(name = "sign", mixinStandardHelpOptions = true, description = "Sign a message: multipart/signed (default) or opaque signed-data.")
final class SmimeSignCommand extends SmimeWriteCommand {
    SmimeSignCommand(CliSession session) {
        super(session, true, false);
    }
}
