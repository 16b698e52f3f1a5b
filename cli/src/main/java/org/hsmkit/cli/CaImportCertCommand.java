package org.hsmkit.cli;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;

import org.hsmkit.core.NameFormat;
import org.hsmkit.core.ca.CaSettings;
import org.hsmkit.core.ca.CertificateAuthority;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code hsmkit ca import-cert}: gives an intermediate CA the certificate its issuer signed. */
@Command(name = "import-cert", mixinStandardHelpOptions = true,
        description = {"Give the CA its certificate: the one in CERTFILE whose key is the CA key (a CA certificate, valid now).",
            "Further certificates in the file (its issuers) are kept in DIR/chain.pem."})
final class CaImportCertCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    CaCommand.DirectoryOption ca;

    @Parameters(paramLabel = "CERTFILE", description = "the CA certificate, optionally followed by its issuers (PEM or DER)")
    String certFile;

    CaImportCertCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Path dir = ca.resolve(session);
        var certs = session.certificates(certFile);
        var key = CaCommand.key(session, dir, CaSettings.read(dir).key());
        X509Certificate mine = CertificateAuthority.importCertificate(dir, key, certs);
        session.info("hsmkit: the CA in " + dir + " is now " + KeyImportCertCommand.subject(mine) + ", issued by "
                + NameFormat.format(mine.getIssuerX500Principal()) + ", valid until " + mine.getNotAfter().toInstant());
        return ExitCode.OK;
    }
}
