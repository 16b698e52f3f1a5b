package org.hsmkit.cli;

import picocli.CommandLine.Command;

/** {@code hsmkit smime sign-encrypt}. */
@Command(name = "sign-encrypt", mixinStandardHelpOptions = true, description = "Sign, then encrypt, in one step; your key is also a recipient unless --no-self.")
final class SmimeSignEncryptCommand extends SmimeWriteCommand {
    SmimeSignEncryptCommand(CliSession session) {
        super(session, true, true);
    }
}
