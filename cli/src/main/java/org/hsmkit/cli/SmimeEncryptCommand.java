package org.hsmkit.cli;

import picocli.CommandLine.Command;

/** {@code hsmkit smime encrypt}. */
@Command(name = "encrypt", mixinStandardHelpOptions = true, description = "Encrypt a message to recipient certificates (and to yourself with --key).")
final class SmimeEncryptCommand extends SmimeWriteCommand {
    SmimeEncryptCommand(CliSession session) {
        super(session, false, true);
    }
}
