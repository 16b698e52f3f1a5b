package org.hsmkit.cli;

import picocli.CommandLine.Command;

/** {@code hsmkit smime …}: S/MIME on .eml files. */
@Command(name = "smime", mixinStandardHelpOptions = true,
        description = "Sign, encrypt, decrypt and verify S/MIME mail (.eml files).",
        subcommands = {
            SmimeSignCommand.class, SmimeEncryptCommand.class, SmimeSignEncryptCommand.class,
            SmimeDecryptCommand.class, SmimeVerifyCommand.class
        })
final class SmimeCommand {
}
