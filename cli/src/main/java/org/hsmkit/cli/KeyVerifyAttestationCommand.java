package org.hsmkit.cli;

import java.security.PublicKey;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;

import org.hsmkit.core.card.CvCertificate;
import org.hsmkit.core.card.DeviceReport;
import org.hsmkit.core.card.KeyAttestation;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit key verify-attestation FILE}: checks that a key was generated inside a genuine SmartCard-HSM. */
@Command(name = "verify-attestation", mixinStandardHelpOptions = true,
        description = {"Check a key attestation (written by hsmkit key generate --attestation FILE): the device's certificate"
            + " chain up to the SmartCard-HSM root, the device's signature over the key's request, the key's own signature,"
            + " and with --key that the attested key is that key. Works offline. Exit 0 when all checks pass, else 1."})
final class KeyVerifyAttestationCommand implements Callable<Integer> {
    private final CliSession session;

    @Parameters(paramLabel = "FILE", description = "the attestation file")
    String file;

    @Option(names = "--key", paramLabel = "KEY", description = "also check that the attested key is this key on the token")
    String key;

    @Option(names = "--root", paramLabel = "CVCFILE", description = "trust this root certificate instead of the shipped DESRCACC100001")
    String root;


    KeyVerifyAttestationCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        KeyAttestation attestation = KeyAttestation.parse(InputFiles.read(session, file, 16384, "a key attestation"));
        CvCertificate trusted = CardCommand.trustedRoot(session, root);
        PublicKey expected = key == null ? null : session.tokenFor(key).key(key).publicKey();
        DeviceReport report = attestation.verify(trusted, LocalDate.now(ZoneOffset.UTC), expected);
        DeviceReportText.print(session, report, session.json(), root == null, "the key was generated in this genuine SmartCard-HSM");
        return report.genuine() ? ExitCode.OK : ExitCode.VERIFICATION_FAILED;
    }
}
