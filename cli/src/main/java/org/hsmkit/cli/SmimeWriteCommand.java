package org.hsmkit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import jakarta.mail.internet.MimeMessage;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.cms.ContentCipher;
import org.hsmkit.smime.SignedFormat;
import org.hsmkit.smime.SmimeEncryptor;
import org.hsmkit.smime.SmimeSigner;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What smime sign, encrypt and sign-encrypt share: options, and the order of work — check the
 * arguments and the output, prepare keys and recipients, produce the message, commit.
 */
abstract class SmimeWriteCommand implements Callable<Integer> {
    final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", description = "signing key (PKCS#11 URI or label); encrypt: your own key, added as a recipient")
    String key;

    @Option(names = {"-r", "--recipient"}, paramLabel = "CERTFILE", description = "recipient certificate (PEM or DER); repeat for more")
    List<String> recipients = new ArrayList<>();

    @Option(names = "--cipher", paramLabel = "CIPHER", defaultValue = "aes256-gcm",
            description = "aes256-gcm (default, AuthEnvelopedData) or aes256-cbc (EnvelopedData, for Thunderbird/Outlook)")
    String cipher;

    @Option(names = "--rsa-padding", paramLabel = "PADDING", defaultValue = "oaep", description = "oaep (default) or pkcs1, for RSA recipients")
    String rsaPadding;

    @Option(names = "--opaque", description = "sign as application/pkcs7-mime signed-data instead of multipart/signed")
    boolean opaque;

    @Option(names = "--pss", description = "sign with RSA-PSS instead of PKCS#1 v1.5 (RSA keys)")
    boolean pss;

    @Option(names = "--no-self", description = "do not add your own key as a recipient")
    boolean noSelf;

    @Option(names = "--compress", description = "compress the content before encrypting (RFC 3274)")
    boolean compress;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output .eml (default: standard output)")
    String output;

    @Parameters(paramLabel = "IN.eml", description = "the message ('-' for standard input)")
    String input;

    private final boolean signs;
    private final boolean encrypts;

    SmimeWriteCommand(CliSession session, boolean signs, boolean encrypts) {
        this.session = session;
        this.signs = signs;
        this.encrypts = encrypts;
    }

    final boolean signs() {
        return signs;
    }

    final boolean encrypts() {
        return encrypts;
    }

    @Override
    public Integer call() {
        if (encrypts() && recipients.isEmpty() && (key == null || noSelf)) {
            throw new HsmkitException(ErrorKind.USAGE, "no recipients", "give -r CERTFILE (and --key to include yourself)");
        }
        if (!encrypts() && (!recipients.isEmpty() || compress)) {
            throw new HsmkitException(ErrorKind.USAGE, "-r and --compress belong to encrypt and sign-encrypt", "use 'hsmkit smime sign-encrypt'");
        }
        ContentCipher contentCipher = ContentCipher.parse(cipher);
        if (!contentCipher.isAuthenticated() && contentCipher != ContentCipher.AES256_CBC && contentCipher != ContentCipher.AES128_CBC) {
            throw new HsmkitException(ErrorKind.USAGE, "cipher " + cipher + " is not offered for S/MIME", "use aes256-gcm or aes256-cbc");
        }
        RsaPadding padding = switch (rsaPadding.toLowerCase(Locale.ROOT)) {
            case "oaep" -> RsaPadding.OAEP_SHA256;
            case "pkcs1" -> RsaPadding.PKCS1;
            default -> throw new HsmkitException(ErrorKind.USAGE, "unknown RSA padding '" + rsaPadding + "'", "use oaep or pkcs1");
        };
        try (AtomicOutput out = SmimeFiles.output(session, output, input)) {
            MimeMessage message = SmimeFiles.readMessage(session, input);
            SmimeEncryptor encryptor = null;
            TokenKey self = null;
            if (encrypts()) {
                SmimeEncryptor.Builder b = SmimeEncryptor.builder().recipients(SmimeFiles.certificates(session, recipients))
                        .cipher(contentCipher).rsaPadding(padding).compress(compress).includeSender(!noSelf);
                if (key != null || signs()) {
                    self = SmimeFiles.signingKey(session, key);
                    b.sender(self);
                }
                encryptor = b.build();
            }
            MimeMessage result = message;
            if (signs()) {
                TokenKey signingKey = self != null ? self : SmimeFiles.signingKey(session, key);
                SignatureScheme scheme = pss ? SignatureScheme.RSA_PSS : SignatureScheme.defaultFor(signingKey.type());
                result = SmimeSigner.builder(signingKey).scheme(scheme)
                        .format(opaque ? SignedFormat.OPAQUE : SignedFormat.DETACHED).build().sign(result);
            }
            if (encryptor != null) {
                result = encryptor.encrypt(result);
            }
            SmimeFiles.write(result, out);
            out.commit();
        }
        session.info(summary());
        return 0;
    }

    private String summary() {
        return (signs() && encrypts() ? "signed and encrypted" : signs() ? "signed" : "encrypted")
                + (output == null || output.equals("-") ? "" : ": " + output);
    }
}
