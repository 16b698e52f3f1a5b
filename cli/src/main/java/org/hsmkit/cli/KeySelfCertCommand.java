package org.hsmkit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.ca.SelfCertificate;
import org.hsmkit.core.ca.Validity;
import org.hsmkit.core.internal.ca.CaFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit key self-cert}: a self-signed certificate for a key, signed on the token and
 * stored with the key, so that a signer without a CA can sign at once.
 */
@Command(name = "self-cert", mixinStandardHelpOptions = true,
        description = {"Make a self-signed certificate for a key on the token, signed there, and store it with the key.",
            "For a signer without a CA: relying parties trust the certificate itself (verify --trust CERT). It is no CA"
                + " certificate; key usage digitalSignature, nonRepudiation and keyEncipherment (RSA) or keyAgreement (EC);"
                + " extended key usage emailProtection when --san names an e-mail address.",
            "A certificate the key has already is replaced only with --replace."})
final class KeySelfCertCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = {KeyCommand.KEY_HELP_1, KeyCommand.KEY_HELP_2, KeyCommand.KEY_HELP_3})
    String key;

    @Mixin
    SubjectOptions holder = new SubjectOptions();

    @Option(names = "--validity", paramLabel = "PERIOD", defaultValue = "2y",
            description = "how long it is valid: 2y, 18m, 90d, 12h (default: ${DEFAULT-VALUE})")
    String validity;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "also write the certificate (PEM) to FILE, for relying parties")
    String output;

    @Option(names = "--replace", description = "replace the certificate the key has")
    boolean replace;

    KeySelfCertCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        X500Name name = holder.name();
        GeneralNames altNames = holder.altNames();
        Validity period = Validity.parse(validity);
        try (AtomicOutput out = output == null ? null : session.output(output, false)) {
            TokenKey k = session.tokenFor(key).key(key);
            if (!replace && k.certificate().isPresent()) {
                throw new HsmkitException(ErrorKind.USAGE, "the " + KeyCommand.describe(k)
                        + " has a certificate already (" + NameFormat.format(k.certificate().get().getSubjectX500Principal()) + ")",
                        "pass --replace to put a self-signed one in its place");
            }
            X509Certificate cert = SelfCertificate.issue(k, name, altNames, period);
            if (out != null) {
                out.stream().write(CaFiles.pem(List.of(cert)).getBytes(StandardCharsets.US_ASCII));
            }
            TokenKey stored = session.token().storeCertificate(k, cert, List.of());
            if (out != null) {
                out.commit();
            }
            session.info("hsmkit: stored a self-signed certificate " + NameFormat.format(cert.getSubjectX500Principal())
                    + " (until " + cert.getNotAfter().toInstant() + ") with " + KeyCommand.describe(stored)
                    + (output == null || "-".equals(output) ? "" : "; relying parties trust " + output));
        } catch (IOException e) {
            throw HsmkitException.io("cannot write " + output + ": " + e.getMessage(), e);
        }
        return ExitCode.OK;
    }
}
