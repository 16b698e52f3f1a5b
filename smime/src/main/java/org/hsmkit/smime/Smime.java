package org.hsmkit.smime;

import jakarta.mail.internet.MimeMessage;

import org.bouncycastle.cms.jcajce.ZlibCompressor;
import org.bouncycastle.mail.smime.SMIMEException;
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
