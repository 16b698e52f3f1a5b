package org.hsmkit.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.ca.CertificateAuthority;
import org.hsmkit.core.ca.IssuedCertificate;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hsmkit ca list}: the issuance database. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the certificates this CA issued: serial, status (valid, revoked, expired), end of validity, profile, subject.")
final class CaListCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    CaCommand.DirectoryOption ca;


    @Option(names = "--status", paramLabel = "STATUS", description = "only valid, revoked or expired certificates")
    String status;

    /** The --json report. */
    record Report(String ca, List<Entry> certificates) {
    }

    /** One certificate in the --json report; times in ISO 8601 UTC. */
    record Entry(String serial, String status, String subject, String profile, String notBefore, String notAfter,
            String issuedAt, Optional<String> revokedAt, Optional<String> reason) {
    }

    CaListCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        IssuedCertificate.Status only = status == null ? null : parseStatus(status);
        Instant now = Instant.now();
        try (CertificateAuthority authority = CertificateAuthority.openRecords(ca.resolve(session))) {
            List<IssuedCertificate> all = authority.list().stream().filter(c -> only == null || c.status(now) == only).toList();
            if (session.json()) {
                JsonOutput.print(session.context().stdout(), new Report(KeyImportCertCommand.subject(authority.certificate()),
                        all.stream().map(c -> new Entry(c.serialText(), c.status(now).name().toLowerCase(Locale.ROOT), c.subject(),
                                c.profile(), c.notBefore().toString(), c.notAfter().toString(), c.issuedAt().toString(),
                                c.revokedAt().map(Instant::toString),
                                c.reason().map(Object::toString))).toList()));
                return ExitCode.OK;
            }
            if (all.isEmpty()) {
                session.info("hsmkit: no certificates" + (only == null ? " issued yet" : " with status " + status));
                return ExitCode.OK;
            }
            TextTable t = new TextTable("SERIAL", "STATUS", "NOT AFTER", "PROFILE", "SUBJECT");
            for (IssuedCertificate c : all) {
                String st = c.status(now).name().toLowerCase(Locale.ROOT).replace('_', '-')
                        + c.reason().map(r -> " (" + r + ")").orElse("");
                t.row(c.serialText(), st, c.notAfter().truncatedTo(ChronoUnit.SECONDS).toString(), c.profile(), c.subject());
            }
            t.print(session.context().stdout());
            return ExitCode.OK;
        }
    }

    private static IssuedCertificate.Status parseStatus(String s) {
        try {
            return IssuedCertificate.Status.valueOf(s.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new HsmkitException(ErrorKind.USAGE, "'" + s + "' is not a status", "use valid, revoked or expired");
        }
    }
}
