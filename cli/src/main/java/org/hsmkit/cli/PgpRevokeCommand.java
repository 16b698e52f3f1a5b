package org.hsmkit.cli;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.openpgp.PgpRevocation;
import org.hsmkit.core.openpgp.PgpTokenKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsmkit pgp revoke}: a revocation certificate made on the token, to keep for the day the token is lost. */
@Command(name = "revoke", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a revocation certificate for the OpenPGP certificate of a token key, as gpg --gen-revoke does.",
            "Make it now, while the token is at hand, and keep it apart from the token (printed, or on another medium):"
                + " if the token is lost or its key exposed, importing it (gpg --import) revokes the certificate for good."
                + " Writes ASCII armour to standard output unless -o is given."})
final class PgpRevokeCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", required = true, description = "the certificate's primary (signing) key")
    String key;

    @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified",
            description = "compromised, superseded, retired or unspecified (default; readers treat it as compromised)")
    String reason;

    @Option(names = "--comment", paramLabel = "TEXT", description = "one line of explanation for the certificate's readers")
    String comment;

    @Option(names = "--certificate", paramLabel = "FILE",
            description = "the certificate exported for --key, for a token that does not hold the key's OpenPGP creation time")
    String certificate;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "output file ('-' for standard output)")
    String output;

    PgpRevokeCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        PgpRevocation.Reason why = reason(reason);
        try (AtomicOutput out = session.output(output, false)) {
            PgpTokenKey primary = PgpCommand.tokenKey(session, key, certificate);
            PgpRevocation r = PgpRevocation.make(primary, why, comment);
            OutputStream s = out.stream();
            s.write(r.armored().getBytes(StandardCharsets.US_ASCII));
            s.flush();
            out.commit();
            session.info("hsmkit: made a revocation certificate for " + r.certificateFingerprint() + " (" + why.description()
                    + "); keep it apart from the token: whoever imports it revokes the certificate for good");
        }
        return 0;
    }

    static PgpRevocation.Reason reason(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (PgpRevocation.Reason r : PgpRevocation.Reason.values()) {
            if (r.name().toLowerCase(Locale.ROOT).equals(t)) {
                return r;
            }
        }
        throw new org.hsmkit.core.HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "unknown reason '" + text + "'",
                "give compromised, superseded, retired or unspecified");
    }
}
