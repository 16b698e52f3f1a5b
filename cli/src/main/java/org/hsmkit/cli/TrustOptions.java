package org.hsmkit.cli;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.hsmkit.core.SystemTrust;

import picocli.CommandLine.Option;

/**
 * The trust anchors of the verifying commands ({@code verify}, {@code smime verify},
 * {@code pdf verify}): certificate files named with {@code --trust}, and with
 * {@code --trust-system} the platform's roots as well (the Java runtime's cacerts and the
 * operating system's CA bundle; {@code SSL_CERT_FILE} names another bundle, as for OpenSSL).
 */
final class TrustOptions {
    @Option(names = "--trust", paramLabel = "CAFILE",
            description = "trust anchor certificate(s): PEM (one or several), DER or a PKCS#7 bundle; repeatable")
    List<String> trust = new ArrayList<>();

    @Option(names = "--trust-system",
            description = "also trust the platform's roots: the Java runtime's cacerts and the operating system's CA bundle"
                    + " (/etc/ssl/certs/ca-certificates.crt or where the distribution keeps it; SSL_CERT_FILE names another)")
    boolean system;

    @Option(names = "--intermediate", paramLabel = "CERTFILE",
            description = "intermediate CA certificate(s) a signature does not carry, to build the signer's path from;"
                    + " not trusted (the path must still end at --trust); repeatable")
    List<String> intermediates = new ArrayList<>();

    /** Every anchor the options name; empty when none is given. */
    List<X509Certificate> anchors(CliSession session) {
        List<X509Certificate> out = session.certificates(trust);
        if (system) {
            String bundle = session.context().env().get("SSL_CERT_FILE");
            Optional<Path> given = bundle == null || bundle.isBlank() ? Optional.empty()
                    : Optional.of(session.context().resolve(bundle));
            out.addAll(SystemTrust.roots(given).certificates());
        }
        return out;
    }

    /** The certificates of {@code --intermediate}. */
    List<X509Certificate> intermediates(CliSession session) {
        return session.certificates(intermediates);
    }

    /** The hint for an untrusted signer. */
    String hint() {
        return trust.isEmpty() && !system ? "give the root certificate you trust with --trust CAFILE, or --trust-system"
                : org.hsmkit.core.cms.CmsVerifier.UNTRUSTED_HINT;
    }
}
