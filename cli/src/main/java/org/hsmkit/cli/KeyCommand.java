package org.hsmkit.cli;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.Comparator;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.pkcs11.Pkcs11Uri;

import picocli.CommandLine.Command;

/**
 * {@code hsmkit key …}: the key ceremony on the selected token — generate, list, CSR, certificate
 * import, PKCS#12 import, export, delete. Not executable itself: without a subcommand picocli
 * reports a usage error.
 */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = "Manage key pairs on the token: generate, list, make a CSR or a self-signed certificate, import a certificate or a PKCS#12 file, export the public key, delete.",
        subcommands = {KeyListCommand.class, KeyGenerateCommand.class, KeyCsrCommand.class, KeySelfCertCommand.class, KeyImportCertCommand.class,
            KeyImportCommand.class, KeyExportCommand.class, KeyDeleteCommand.class, KeyInfoCommand.class,
            KeyBackupCommand.class, KeyRestoreCommand.class, KeyVerifyAttestationCommand.class})
final class KeyCommand {
    /** Help for every --key option, in lines short enough not to be wrapped mid-URI. */
    static final String KEY_HELP_1 = "the key: its label, or a PKCS#11 URI such as";
    static final String KEY_HELP_2 = "'pkcs11:id=%%10'; a URI with token=... also selects";
    static final String KEY_HELP_3 = "the token when -t is not given";

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
                        "choose another --id, or remove the old key with 'hsmkit key delete --key " + shortReference(k) + "'");
            }
        }
    }

    /**
     * A short --key value for hints, valid on the token in use: {@code pkcs11:id=%xx} (every token
     * accepts it, the soft token too) or, for a key without id, its full reference.
     */
    static String shortReference(TokenKey k) {
        byte[] id = k.id();
        if (id.length == 0) {
            return k.reference();
        }
        return "pkcs11:id=" + Pkcs11Uri.encodeId(id);
    }

    /**
     * A key reference as people read it in a one-line report: a PKCS#11 URI's label (or its id),
     * since the whole URI runs to 200 characters on a SmartCard-HSM; else the reference itself.
     * JSON reports keep the whole reference.
     */
    static String readable(String reference) {
        if (reference == null || !Pkcs11Uri.isUri(reference)) {
            return reference;
        }
        Pkcs11Uri uri = Pkcs11Uri.parse(reference);
        return uri.object().filter(label -> !label.isEmpty())
                .orElseGet(() -> uri.id().map(id -> "pkcs11:id=" + Pkcs11Uri.encodeId(id)).orElse(reference));
    }

    /** Keys in a stable order for listings: by id, then label. */
    static final Comparator<TokenKey> BY_ID = Comparator
            .comparing((TokenKey k) -> KeyId.hex(k.id())).thenComparing(TokenKey::label);

    /** Says so when a command has just created the soft token's key store file. */
    static void reportNewSoftToken(CliSession session, boolean existedBefore) {
        if (!existedBefore && session.tokenSpec().isSoft() && Files.exists(session.tokenSpec().softPath())) {
            session.info("hsmkit: created the soft token " + session.tokenSpec().softPath()
                    + " (keep its passphrase: it cannot be recovered)");
        }
    }

    /** Whether the selected token is a soft token whose file exists (false for PKCS#11 tokens). */
    static boolean softTokenExists(CliSession session) {
        return session.tokenSpec().isSoft() && Files.exists(session.tokenSpec().softPath());
    }

    /** One line describing a key for messages: type, label, id. */
    static String describe(TokenKey k) {
        return (k.publicKeyKnown() ? k.type().spec() + " key" : "key (public key unknown)") + " '" + k.label() + "' (id "
                + KeyId.hex(k.id()) + ")";
    }
}
