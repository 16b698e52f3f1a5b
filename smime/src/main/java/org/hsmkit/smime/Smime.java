package org.hsmkit.smime;

import java.io.IOException;
import java.io.InputStream;

import jakarta.mail.internet.MimeMessage;

import org.bouncycastle.cms.jcajce.ZlibCompressor;
import org.bouncycastle.mail.smime.SMIMEException;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.smime.internal.FixedPartGenerators;
import org.hsmkit.smime.internal.MimeParts;

/** Operations that combine layers. */
public final class Smime {
    private Smime() {
    }

    /**
     * Signs, then encrypts the signed message (RFC 8551 section 3.7): the signature is hidden
     * inside the encryption, and the signer's certificate is added as a recipient unless the
     * encryptor excludes the sender.
     */
    public static MimeMessage signAndEncrypt(MimeMessage message, SmimeSigner signer, SmimeEncryptor encryptor) {
        return encryptor.encrypt(signer.sign(message), signer.certificate());
    }

    /**
     * Reads a message (RFC 5322, as an .eml file holds it). A {@code SharedInputStream} (Jakarta
     * Mail's {@code SharedFileInputStream}) is read in place rather than copied into memory.
     *
     * @throws HsmkitException INPUT when the headers cannot be parsed (also where Jakarta Mail
     *         itself fails with an unchecked exception), IO when reading fails
     */
    public static MimeMessage read(InputStream in) {
        try {
            return MimeParts.parse(in);
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the message: " + e.getMessage(), e);
        }
    }

    /** A copy of {@code message} whose body is CompressedData (RFC 3274, zlib). */
    public static MimeMessage compress(MimeMessage message) {
        try {
            return MimeParts.messageWith(message, MimeParts.materialise(
                    FixedPartGenerators.compressed().generate(MimeParts.bodyOf(message), new ZlibCompressor())));
        } catch (SMIMEException e) {
            throw MimeParts.generationFailure(e);
        }
    }
}
