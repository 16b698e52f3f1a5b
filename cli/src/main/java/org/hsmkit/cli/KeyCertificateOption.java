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
        TokenKey key = session.token().key(reference);
        return file == null ? key : key.withCertificate(CryptoKeys.certificate(session, file));
    }

    /** @throws HsmkitException USAGE for {@code --cert} without a key to go with it */
    void requireKey(String reference) {
        if (file != null && reference == null) {
            throw new HsmkitException(ErrorKind.USAGE, "--cert needs --key", "name the key the certificate belongs to with --key");
        }
    }
}
