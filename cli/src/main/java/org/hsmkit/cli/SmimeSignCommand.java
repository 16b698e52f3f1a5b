package org.hsmkit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hsmkit smime sign}. */
@Command(name = "sign", mixinStandardHelpOptions = true, description = "Sign a message: multipart/signed (default) or opaque signed-data.")
final class SmimeSignCommand extends SmimeWriteCommand {
    @Mixin
    SmimeSignOptions signing;

    SmimeSignCommand(CliSession session) {
        super(session);
    }

    @Override
    SmimeSignOptions signing() {
        return signing;
    }

    @Override
    SmimeEncryptOptions encryption() {
        return null;
    }
}
