package org.hsmkit.cli;

import java.util.concurrent.Callable;

import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit key delete}: removes a private key with its public key and certificate. Asks on
 * the terminal first; a script must say {@code --yes}.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete a key pair and its certificate from the token. This cannot be undone.",
            "Asks for confirmation on the terminal unless --yes is given; without a terminal --yes is required."})
final class KeyDeleteCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = {KeyCommand.KEY_HELP_1, KeyCommand.KEY_HELP_2, KeyCommand.KEY_HELP_3})
    String key;

    @Option(names = {"-y", "--yes"}, description = "delete without asking")
    boolean yes;

    KeyDeleteCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Token token = session.tokenFor(key);
        TokenKey k = token.key(key);
        String what = KeyCommand.describe(k) + (k.certificate().isPresent()
                ? " and its certificate " + KeyImportCertCommand.subject(k.certificate().get()) : "")
                + " from token '" + token.info().label() + "'";
        if (!session.confirmDeletion(what, yes, "hsmkit key list")) {
            return ExitCode.OK;
        }
        java.util.Optional<java.time.Instant> openPgpTime;
        try {
            openPgpTime = org.hsmkit.core.openpgp.PgpTokenKey.storedCreationTime(token, k);
        } catch (RuntimeException e) {
            openPgpTime = java.util.Optional.empty(); // a key whose public key is unknown has no record
        }
        token.deleteKey(k);
        session.info("hsmkit: deleted the " + what);
        if (openPgpTime.isPresent()) {
            // kept on purpose: the record follows the public key, so a restored backup of the key gets its OpenPGP fingerprint back
            String label = org.hsmkit.core.openpgp.PgpTokenKey.creationTimeLabel(k);
            session.info("hsmkit: the key's OpenPGP creation time stays on the token (data object '" + label + "'), so that a restored"
                    + " backup of the key keeps its OpenPGP fingerprint; 'hsmkit data delete --label " + label + "' removes it");
        }
        return ExitCode.OK;
    }
}
