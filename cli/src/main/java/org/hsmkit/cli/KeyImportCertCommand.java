package org.hsmkit.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.Providers;

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

    @Parameters(index = "0", paramLabel = "CERTFILE", description = "the certificate, PEM or DER")
    String certFile;

    KeyImportCertCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Path file = session.context().resolve(certFile);
        List<X509Certificate> certs = readCertificates(file);
        TokenKey k = session.tokenFor(key).key(key);
        if (!k.publicKeyKnown()) {
            session.token().storeCertificate(k, certs.get(0)); // refuses, saying what to do instead
        }
        X509Certificate match = certs.stream().filter(c -> samePublicKey(c.getPublicKey(), k.publicKey())).findFirst()
                .orElseThrow(() -> HsmkitException.input("the certificate in " + certFile + " (" + subject(certs.get(0))
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

    /** Reads one or more certificates from a PEM or DER file (Bouncy Castle, so brainpool keys decode). */
    static List<X509Certificate> readCertificates(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509", Providers.bc());
            Collection<? extends Certificate> all = cf.generateCertificates(in);
            List<X509Certificate> certs = new ArrayList<>();
            for (Certificate c : all) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw HsmkitException.input(file + " holds no certificate", "give a PEM or DER X.509 certificate");
            }
            return certs;
        } catch (NoSuchFileException e) {
            throw HsmkitException.input("the certificate file " + file + " does not exist", "check the path");
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + file + ": " + e.getMessage(), e);
        } catch (CertificateException | RuntimeException e) {
            if (e instanceof HsmkitException h) {
                throw h;
            }
            throw HsmkitException.input(file + " is not a certificate (PEM or DER): " + e.getMessage(),
                    "give the X.509 certificate file your CA returned", e);
        }
    }

    /** Compares public keys by their values, not by how their parameters happen to be encoded. */
    static boolean samePublicKey(PublicKey a, PublicKey b) {
        if (a instanceof RSAPublicKey x && b instanceof RSAPublicKey y) {
            return x.getModulus().equals(y.getModulus()) && x.getPublicExponent().equals(y.getPublicExponent());
        }
        if (a instanceof ECPublicKey x && b instanceof ECPublicKey y) {
            return x.getW().equals(y.getW()) && x.getParams().getCurve().equals(y.getParams().getCurve());
        }
        return Arrays.equals(SubjectPublicKeyInfo.getInstance(a.getEncoded()).getPublicKeyData().getBytes(),
                SubjectPublicKeyInfo.getInstance(b.getEncoded()).getPublicKeyData().getBytes());
    }
}
