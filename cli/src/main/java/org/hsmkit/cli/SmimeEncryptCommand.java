package org.hsmkit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hsmkit smime encrypt}. */
@Command(name = "encrypt", mixinStandardHelpOptions = true, description = "Encrypt a message to recipient certificates (and to yourself with --key).")
final class SmimeEncryptCommand extends SmimeWriteCommand {
    @Mixin
    SmimeEncryptOptions encryption;

    SmimeEncryptCommand(CliSession session) {
        super(session);
    }

    @Override
    SmimeSignOptions signing() {
        return null;
    }

    @Override
    SmimeEncryptOptions encryption() {
        return encryption;
    }
}
