package org.hsmkit.cli;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.Callable;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.ca.CertificateAuthority;
import org.hsmkit.core.ca.IssuedCertificate;
import org.hsmkit.core.ca.RevocationReason;
import org.hsmkit.core.cms.CertificateFile;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit ca revoke}: records a revocation; the next CRL and every OCSP answer carry it. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Revoke a certificate this CA issued, by serial number or certificate file. Final: there is no un-revoke.",
            "Needs no CA key: the revocation is recorded now; publish it with 'hsmkit ca crl' (OCSP answers carry it at once)."})
final class CaRevokeCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    CaCommand.DirectoryOption ca;

    @Option(names = "--reason", paramLabel = "REASON",
            description = "unspecified (default), keyCompromise, cACompromise, affiliationChanged, superseded,"
                    + " cessationOfOperation or privilegeWithdrawn")
    String reason;

    @Option(names = {"-y", "--yes"}, description = "revoke without asking")
    boolean yes;

    @Parameters(paramLabel = "SERIAL|CERTFILE", description = "the serial number in hex (as 'hsmkit ca list' shows it) or the certificate")
    String target;

    CaRevokeCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        RevocationReason r = RevocationReason.parse(reason == null ? "unspecified" : reason);
        Path dir = ca.resolve(session);
        try (CertificateAuthority authority = CertificateAuthority.openRecords(dir)) {
            BigInteger serial = serial(authority);
            IssuedCertificate c = authority.find(serial).orElseThrow(() -> HsmkitException.input(
                    "this CA issued no certificate with serial " + target, "'hsmkit ca list' shows the serials"));
            if (c.revokedAt().isPresent()) {
                // a script run again finds its work done; only a request for another reason is refused
                RevocationReason had = c.reason().orElse(RevocationReason.UNSPECIFIED);
                String already = c.serialText() + " (" + c.subject() + ") was revoked already, at " + c.revokedAt().get() + ", for " + had;
                if (reason == null || had == r) {
                    session.info("hsmkit: " + already + "; nothing changed");
                    return ExitCode.OK;
                }
                throw HsmkitException.input(already + "; a revocation is final, reason included",
                        "the CRL and OCSP answers keep saying " + had);
            }
            if (!yes && !session.confirm("Revoke " + c.serialText() + " (" + c.subject() + ", " + c.profile() + ") for "
                    + r + "? This cannot be undone.", "pass --yes to revoke without asking")) {
                session.info("hsmkit: nothing revoked");
                return ExitCode.OK;
            }
            IssuedCertificate done = authority.revoke(serial, r);
            session.info("hsmkit: revoked " + done.serialText() + " (" + done.subject() + ") for " + r
                    + "; publish a new CRL with 'hsmkit ca crl'");
            return ExitCode.OK;
        }
    }

    /** The serial given, or the one of the certificate file given, after checking this CA issued that very certificate. */
    private BigInteger serial(CertificateAuthority authority) {
        Path file = session.context().resolve(target);
        if (!Files.isRegularFile(file)) {
            return CaCommand.parseSerial(target);
        }
        X509Certificate cert = CertificateFile.read(file).get(0);
        X509Certificate recorded = authority.issuedCertificate(cert.getSerialNumber()).orElse(null);
        try {
            if (recorded == null || !Arrays.equals(recorded.getEncoded(), cert.getEncoded())) {
                throw HsmkitException.input("the certificate in " + target + " (" + KeyImportCertCommand.subject(cert)
                        + ") was not issued by this CA", "revoke it at the CA that issued it (its issuer: "
                        + NameFormat.format(cert.getIssuerX500Principal()) + ")");
            }
        } catch (java.security.cert.CertificateEncodingException e) {
            throw HsmkitException.input("cannot read the certificate in " + target, null);
        }
        return cert.getSerialNumber();
    }
}
