package org.hsmkit.core.ca;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * What an issued certificate is for. The profile alone decides key usage, extended key usage and
 * basic constraints; a request asking for more than its profile allows is refused.
 *
 * <table>
 * <caption>profiles</caption>
 * <tr><th>profile</th><th>key usage</th><th>extended key usage</th><th>needs</th></tr>
 * <tr><td>smime</td><td>digitalSignature, nonRepudiation, keyEncipherment (RSA) or keyAgreement (EC)</td><td>emailProtection</td><td>an e-mail address</td></tr>
 * <tr><td>tls-client</td><td>digitalSignature</td><td>clientAuth</td><td></td></tr>
 * <tr><td>tls-server</td><td>digitalSignature, keyEncipherment (RSA)</td><td>serverAuth</td><td>a DNS name or IP address</td></tr>
 * <tr><td>code-signing</td><td>digitalSignature</td><td>codeSigning</td><td></td></tr>
 * <tr><td>ocsp-signer</td><td>digitalSignature</td><td>OCSPSigning, with id-pkix-ocsp-nocheck</td><td></td></tr>
 * <tr><td>sub-ca</td><td>keyCertSign, cRLSign, digitalSignature</td><td>none</td><td>basic constraints CA with a path length</td></tr>
 * </table>
 */
public enum Profile {
    SMIME("smime"),
    TLS_CLIENT("tls-client"),
    TLS_SERVER("tls-server"),
    CODE_SIGNING("code-signing"),
    OCSP_SIGNER("ocsp-signer"),
    SUB_CA("sub-ca");

    private final String cliName;

    Profile(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line and in the issuance database, e.g. {@code tls-server}. */
    public String cliName() {
        return cliName;
    }

    /** Whether certificates of this profile are CA certificates. */
    public boolean isCa() {
        return this == SUB_CA;
    }

    public static Profile parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Profile p : values()) {
            if (p.cliName.equals(t)) {
                return p;
            }
        }
        throw new HsmkitException(ErrorKind.USAGE, "unknown profile '" + text + "'",
                "use one of " + Arrays.stream(values()).map(Profile::cliName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
