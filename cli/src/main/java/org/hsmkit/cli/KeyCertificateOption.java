package org.hsmkit.cli;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.TokenKey;

import picocli.CommandLine.Option;

/**
 * {@code --cert}: the certificate of {@code --key} kept outside the token. Keys made with {@code
 * pkcs11-tool}, or on a read-only PKCS#11 module, have none on the token; a signature names its
 * signer and an encrypted file its recipients by certificate, so without it neither works.
 */
final class KeyCertificateOption {
    @Option(names = "--cert", paramLabel = "CERTFILE",
            description = "the certificate of --key, when the token holds none for it (or an older one); it must hold the key's public key")
    String file;

    /** The token key named by {@code reference}, shown with {@code --cert} when given. */
    TokenKey key(CliSession session, String reference) {
        requireKey(reference);
        java.security.cert.X509Certificate certificate = certificate(session);
        TokenKey key = session.token().key(reference);
        return certificate == null ? key : key.withCertificate(certificate);
    }

    /**
     * The certificate of {@code --cert}, or null; read before the token is opened, so that a bad
     * file fails before the PIN is asked.
     */
    java.security.cert.X509Certificate certificate(CliSession session) {
        return file == null ? null : CryptoKeys.certificate(session, file);
    }

    /** @throws HsmkitException USAGE for {@code --cert} without a key to go with it */
    void requireKey(String reference) {
        if (file != null && reference == null) {
            throw new HsmkitException(ErrorKind.USAGE, "--cert needs --key", "name the key the certificate belongs to with --key");
        }
    }
}
