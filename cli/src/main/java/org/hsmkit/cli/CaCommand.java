package org.hsmkit.cli;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Locale;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.ca.CaSettings;
import org.hsmkit.core.ca.CertificateAuthority;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit ca …}: a small certificate authority whose key stays on the token. Its state is
 * one directory ({@code --ca DIR}, else {@code HSMKIT_CA}, else the working directory). The issuance
 * database (SQLite) is loaded only by these commands.
 */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = {"A certificate authority whose key never leaves the token: make a root or intermediate CA, issue"
            + " certificates from requests under profiles, revoke them, publish CRLs and answer OCSP.",
            "The CA lives in one directory: ca.conf (settings), ca.crt, chain.pem and ca.db (the issuance database)."},
        subcommands = {CaInitCommand.class, CaImportCertCommand.class, CaIssueCommand.class, CaRevokeCommand.class,
            CaCrlCommand.class, CaListCommand.class, CaExportCommand.class, CaOcspRespondCommand.class, CaOcspServeCommand.class})
final class CaCommand {

    /** The --ca option every ca subcommand takes. */
    static final class DirectoryOption {
        @Option(names = "--ca", paramLabel = "DIR",
                description = "the CA's directory (default: $HSMKIT_CA, else the working directory)")
        String dir;

        Path resolve(CliSession session) {
            String d = dir != null ? dir : session.context().env().get("HSMKIT_CA");
            return d == null || d.isBlank() ? session.context().workingDirectory() : session.context().resolve(d);
        }
    }

    private CaCommand() {
    }

    /** The CA in {@code dir} with its key, from the token ca.conf names (unless -t is given). */
    static CertificateAuthority open(CliSession session, Path dir) {
        return CertificateAuthority.open(dir, key(session, dir, CaSettings.read(dir).key()));
    }

    /** A key on the CA's token (the one ca.conf names, unless -t is given). */
    static TokenKey key(CliSession session, Path dir, String reference) {
        CaSettings settings = CaSettings.read(dir);
        return session.tokenOr(settings.token(), settings.module()).key(reference);
    }

    /** A serial number as written by users: hex with or without colons, or 0x…. */
    static BigInteger parseSerial(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace(":", "");
        if (t.startsWith("0x")) {
            t = t.substring(2);
        }
        if (t.isEmpty() || !t.matches("[0-9a-f]+") || t.length() > 40) {
            throw new HsmkitException(ErrorKind.USAGE, "'" + text + "' is not a serial number",
                    "give it in hex as 'hsmkit ca list' shows it, e.g. 4f:1a:…, or give the certificate file");
        }
        return new BigInteger(t, 16);
    }
}
