package org.hsmkit.cli;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.bouncycastle.asn1.x500.X500Name;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.ca.CaSettings;
import org.hsmkit.core.ca.CertificateAuthority;
import org.hsmkit.core.ca.Validity;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hsmkit ca init}: a root CA on a token key, or an intermediate waiting for its certificate. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Make a CA in its directory with an existing key on the token (make one with 'hsmkit key generate').",
            "Without --csr: a self-signed root certificate. With --csr: a request (DIR/ca.csr) for an intermediate CA, to be"
                + " signed by another CA and imported with 'hsmkit ca import-cert'.",
            "The URLs go into every certificate the CA issues; change them later in DIR/ca.conf."})
final class CaInitCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    CaCommand.DirectoryOption ca;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = {KeyCommand.KEY_HELP_1, KeyCommand.KEY_HELP_2, KeyCommand.KEY_HELP_3})
    String key;

    @Option(names = "--subject", required = true, paramLabel = "DN", description = "the CA's name, e.g. 'CN=Example Root CA,O=Example,C=DE'")
    String subject;

    @Option(names = "--validity", paramLabel = "PERIOD", defaultValue = "10y",
            description = "how long the root certificate is valid: 10y, 6m, 90d (default: ${DEFAULT-VALUE})")
    String validity;

    @Option(names = "--path-length", paramLabel = "N", description = "how many CAs may follow below this one (default: no limit)")
    Integer pathLength;

    @Option(names = "--csr", description = "make an intermediate CA: write a request to DIR/ca.csr instead of a root certificate")
    boolean csr;

    @Option(names = "--crl-url", paramLabel = "URL", description = "where the CRL will be published (CRL distribution point)")
    String crlUrl;

    @Option(names = "--ocsp-url", paramLabel = "URL", description = "the OCSP responder (authority information access)")
    String ocspUrl;

    @Option(names = "--issuer-url", paramLabel = "URL", description = "where the CA certificate will be published (AIA caIssuers)")
    String issuerUrl;

    CaInitCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        Path dir = ca.resolve(session);
        X500Name name = KeyCsrCommand.parseSubject(subject);
        Validity v = Validity.parse(validity);
        if (pathLength != null && pathLength < 0) {
            throw new HsmkitException(ErrorKind.USAGE, "--path-length must be 0 or more", "give 0 for a CA that issues only end-entity certificates");
        }
        Token token = session.tokenFor(key);
        TokenKey k = token.key(key);
        CaSettings settings = new CaSettings(Optional.of(tokenSelector()), session.module().map(Path::toString), key,
                Optional.ofNullable(crlUrl), Optional.ofNullable(ocspUrl), Optional.ofNullable(issuerUrl), null, null, null);
        if (csr) {
            CertificateAuthority.initIntermediate(dir, k, name, Optional.ofNullable(pathLength), settings);
            session.info("hsmkit: made an intermediate CA in " + dir + " with the " + KeyCommand.describe(k));
            session.info("hsmkit: have " + dir.resolve(CertificateAuthority.REQUEST_FILE) + " signed by the issuing CA"
                    + " (hsmkit: ca issue --profile sub-ca), then run 'hsmkit ca import-cert CERTFILE'");
            return ExitCode.OK;
        }
        X509Certificate cert = CertificateAuthority.init(dir, k, name, v, Optional.ofNullable(pathLength), settings);
        session.info("hsmkit: made the root CA " + KeyImportCertCommand.subject(cert) + " in " + dir + " with the " + KeyCommand.describe(k));
        session.info("hsmkit: valid until " + cert.getNotAfter().toInstant() + "; SHA-256 fingerprint "
                + HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())));
        session.info("hsmkit: give " + dir.resolve(CertificateAuthority.CERTIFICATE_FILE) + " to relying parties as their trust anchor");
        return ExitCode.OK;
    }

    /** What ca.conf records as the token: the one chosen, a key URI that names one, or the soft token's file. */
    private String tokenSelector() {
        if (!session.tokenChosen() && key.regionMatches(true, 0, "pkcs11:", 0, 7)) {
            return key.contains("?") ? key.substring(0, key.indexOf('?')) : key;
        }
        var spec = session.tokenSpec();
        return spec.isSoft() ? "soft:" + spec.softPath().toAbsolutePath() : spec.toString();
    }
}
