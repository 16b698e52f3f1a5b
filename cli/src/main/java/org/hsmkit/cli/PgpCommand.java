package org.hsmkit.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.openpgp.PgpCertificate;
import org.hsmkit.core.openpgp.PgpTokenKey;

import picocli.CommandLine.Command;

/**
 * {@code hsmkit pgp …}: OpenPGP with token keys. Not executable itself: without a subcommand
 * picocli reports a usage error.
 */
@Command(name = "pgp", mixinStandardHelpOptions = true,
        description = "OpenPGP with keys on the token: export a certificate and its revocation, encrypt, decrypt, sign, verify, inspect (GnuPG reads and writes the same).",
        subcommands = {PgpExportCommand.class, PgpEncryptCommand.class, PgpDecryptCommand.class, PgpSignCommand.class,
            PgpVerifyCommand.class, PgpInspectCommand.class, PgpRevokeCommand.class})
final class PgpCommand {
    private PgpCommand() {
    }

    /** Every certificate in the files named. */
    static List<PgpCertificate> certificates(CliSession session, List<String> files) {
        List<PgpCertificate> out = new ArrayList<>();
        for (String f : files) {
            out.addAll(PgpCertificate.read(session.context().resolve(f)));
        }
        return out;
    }

    /**
     * The token key with its OpenPGP creation time: from {@code certificateFile} when given, else
     * the time stored on the token.
     */
    static PgpTokenKey tokenKey(CliSession session, String reference, String certificateFile) {
        Token token = session.tokenFor(reference);
        TokenKey key = token.key(reference);
        if (certificateFile != null) {
            List<PgpCertificate> certs = PgpCertificate.read(session.context().resolve(certificateFile));
            HsmkitException last = null;
            for (PgpCertificate c : certs) {
                try {
                    return PgpTokenKey.fromCertificate(key, c);
                } catch (HsmkitException e) {
                    last = e;
                }
            }
            throw last;
        }
        return PgpTokenKey.stored(token, key);
    }

    /** {@code 2y}, {@code 18m}, {@code 90d}, {@code never}, or a date {@code 2027-12-31}; null for never. */
    static Instant expiry(String text, Instant now) {
        if (text == null || text.equalsIgnoreCase("never") || text.equals("0")) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.matches("\\d+[ymwd]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                switch (t.charAt(t.length() - 1)) {
                    case 'y':
                        return now.atZone(ZoneOffset.UTC).plusYears(n).toInstant();
                    case 'm':
                        return now.atZone(ZoneOffset.UTC).plusMonths(n).toInstant();
                    case 'w':
                        return now.plus(Duration.ofDays(7 * n));
                    default:
                        return now.plus(Duration.ofDays(n));
                }
            }
            try {
                return time(text);
            } catch (HsmkitException e) {
                throw new HsmkitException(ErrorKind.USAGE, e.getMessage(),
                        "write a period such as 2y, 18m, 6w, 90d, 'never', or a date such as 2027-12-31");
            }
        } catch (java.time.DateTimeException | ArithmeticException | NumberFormatException e) {
            // a parse error, or a period that runs past the year 999999999 or a long's seconds
            throw new HsmkitException(ErrorKind.USAGE, "cannot read the time '" + text + "'",
                    "write a period such as 2y, 18m, 6w, 90d, 'never', or a date such as 2027-12-31");
        }
    }

    /** A date ({@code 2027-12-31}, midnight UTC) or an instant ({@code 2027-12-31T12:00:00Z}). */
    static Instant time(String text) {
        String t = text.trim();
        try {
            return t.length() == 10 ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(t);
        } catch (java.time.DateTimeException e) {
            throw new HsmkitException(ErrorKind.USAGE, "cannot read the time '" + text + "'",
                    "write a date such as 2027-12-31, or a time such as 2027-12-31T12:00:00Z");
        }
    }

    /** IN minus one of the suffixes, or null. */
    static String strip(String in, String... suffixes) {
        for (String s : suffixes) {
            if (in.toLowerCase(Locale.ROOT).endsWith(s) && in.length() > s.length() && !"-".equals(in)) {
                return in.substring(0, in.length() - s.length());
            }
        }
        return null;
    }

    static Path path(CliSession session, String file) {
        return session.context().resolve(file);
    }
}
