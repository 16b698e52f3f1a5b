package org.hsmkit.cli;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.soft.KeyIds;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsmkit key import-cert}: stores the issued certificate with its key (same CKA_ID and
 * label), after checking that the certificate's public key is the key's.
 */
@Command(name = "import-cert", mixinStandardHelpOptions = true,
        description = {"Store a certificate (PEM or DER) on the token with its key, after checking that the certificate is for that key.",
            "When the file holds several certificates (a chain), the one for the key is stored."})
final class KeyImportCertCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = {KeyCommand.KEY_HELP_1, KeyCommand.KEY_HELP_2, KeyCommand.KEY_HELP_3})
    String key;

    @Parameters(index = "0", paramLabel = "CERTFILE",
            description = "the certificate, PEM or DER (also in a PKCS#7 bundle or beside its key); '-' for standard input,"
                    + " e.g. from hsmkit ca issue")
    String certFile;

    KeyImportCertCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        String name = "-".equals(certFile) ? "standard input" : certFile;
        List<X509Certificate> certs = session.certificates(certFile);
        TokenKey k = session.tokenFor(key).key(key);
        if (!k.publicKeyKnown()) {
            session.token().storeCertificate(k, certs.get(0)); // refuses, saying what to do instead
        }
        X509Certificate match = certs.stream().filter(c -> KeyIds.sameKey(c.getPublicKey(), k.publicKey())).findFirst()
                .orElseThrow(() -> HsmkitException.input("the certificate in " + name + " (" + subject(certs.get(0))
                        + (certs.size() > 1 ? " and " + (certs.size() - 1) + " more" : "") + ") is not for the "
                        + KeyCommand.describe(k) + ": the public keys differ",
                        "import the certificate issued for this key's CSR; 'hsmkit key list' shows each key's certificate"));
        TokenKey stored = session.token().storeCertificate(k, match);
        session.info("hsmkit: stored the certificate " + subject(match) + " with " + KeyCommand.describe(stored));
        return ExitCode.OK;
    }

    /** The subject as every command writes names: in certificate order, as a --subject option takes it. */
    static String subject(X509Certificate c) {
        return NameFormat.format(c.getSubjectX500Principal());
    }
}
