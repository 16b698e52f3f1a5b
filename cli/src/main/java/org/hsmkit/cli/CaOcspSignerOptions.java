package org.hsmkit.cli;

import java.nio.file.Path;
import java.security.cert.X509Certificate;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.ca.CaSettings;
import org.hsmkit.core.ca.CertificateAuthority;
import org.hsmkit.core.ca.OcspResponder;

import picocli.CommandLine.Option;

/** Who signs OCSP answers: the CA key, or a delegated responder key (--signer-key). */
final class CaOcspSignerOptions {
    @Option(names = "--signer-key", paramLabel = "KEY",
            description = "sign with this delegated responder key (certificate from this CA, profile ocsp-signer) instead of the CA key")
    String signerKey;

    @Option(names = "--signer-cert", paramLabel = "CERTFILE",
            description = "the responder key's certificate, when the token does not hold it with the key")
    String signerCert;

    /** Opens the CA (with its key only when it signs) and makes the responder. */
    CertificateAuthority open(CliSession session, Path dir) {
        if (signerKey == null) {
            if (signerCert != null) {
                throw new HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "--signer-cert goes with --signer-key", "add --signer-key KEY");
            }
            return CaCommand.open(session, dir);
        }
        return CertificateAuthority.openRecords(dir);
    }

    OcspResponder responder(CliSession session, CertificateAuthority ca) {
        if (signerKey == null) {
            return OcspResponder.signedByCa(ca);
        }
        TokenKey key = CaCommand.key(session, ca.directory(), signerKey);
        X509Certificate cert = signerCert != null ? session.certificates(signerCert).get(0)
                : key.certificate().orElseThrow(() -> HsmkitException.key("the token holds no certificate for the responder key '"
                        + key.label() + "'", "give it with --signer-cert FILE, or store it with 'hsmkit key import-cert'"));
        CaSettings.read(ca.directory());
        return OcspResponder.delegated(ca, key, cert);
    }
}
