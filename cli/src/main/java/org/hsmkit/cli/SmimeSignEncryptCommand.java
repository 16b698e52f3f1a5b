package org.hsmkit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hsmkit smime sign-encrypt}. */
@Command(name = "sign-encrypt", mixinStandardHelpOptions = true, description = "Sign, then encrypt, in one step; your key is also a recipient unless --no-self.")
final class SmimeSignEncryptCommand extends SmimeWriteCommand {
    @Mixin
    SmimeSignOptions signing;

    @Mixin
    SmimeEncryptOptions encryption;

    SmimeSignEncryptCommand(CliSession session) {
        super(session);
    }

    @Override
    SmimeSignOptions signing() {
        return signing;
    }

    @Override
    SmimeEncryptOptions encryption() {
        return encryption;
    }
}
