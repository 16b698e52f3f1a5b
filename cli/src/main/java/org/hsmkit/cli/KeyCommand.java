package org.hsmkit.cli;

import java.util.Arrays;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;

import picocli.CommandLine.Command;

/**
 * {@code hsmkit key …}: the key ceremony on the selected token — generate, list, CSR, certificate
 * import, PKCS#12 import, export, delete. Not executable itself: without a subcommand picocli
 * reports a usage error.
 */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = "Manage key pairs on the token: generate, list, make a CSR, import a certificate or a PKCS#12 file, export the public key, delete.",
        subcommands = {KeyListCommand.class, KeyGenerateCommand.class, KeyCsrCommand.class, KeyImportCertCommand.class,
            KeyImportCommand.class, KeyExportCommand.class, KeyDeleteCommand.class})
final class KeyCommand {

    /** Refuses an empty --label before the token is touched. */
    static void requireLabel(String label) {
        if (label.isBlank()) {
            throw new HsmkitException(ErrorKind.USAGE, "the --label is empty", "give the key a name, e.g. --label mail");
        }
    }

    /** Refuses an id that a key on the token already has, before anything is created. */
    static void requireFreeId(Token token, byte[] id) {
        if (id == null) {
            return;
        }
        for (TokenKey k : token.keys()) {
            if (Arrays.equals(k.id(), id)) {
                throw HsmkitException.key("the token already holds a key with id " + KeyId.hex(id)
                        + (k.label().isEmpty() ? "" : " (label '" + k.label() + "')"),
                        "choose another --id, or remove the old key with 'hsmkit key delete --key " + k.reference() + "'");
            }
        }
    }

    /** One line describing a key for messages: type, label, id. */
    static String describe(TokenKey k) {
        return k.type().spec() + " key '" + k.label() + "' (id " + KeyId.hex(k.id()) + ")";
    }
}
