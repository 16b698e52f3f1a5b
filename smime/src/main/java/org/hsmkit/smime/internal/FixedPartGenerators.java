package org.hsmkit.smime.internal;

import jakarta.mail.internet.MimeBodyPart;

import org.bouncycastle.mail.smime.SMIMECompressedGenerator;
import org.bouncycastle.mail.smime.SMIMEException;
import org.bouncycastle.mail.smime.SMIMESignedGenerator;

/**
 * Bouncy Castle's signed (opaque) and compressed S/MIME generators, except that a part hsmkit
 * already fixed as bytes ({@link MimeParts#isFixed}) goes in as it is. The generators first copy
 * the part into a new message and call {@code saveChanges()} on it to fill in missing Content-*
 * headers; a fixed part has them all, and for a multipart that call parsed the whole body again
 * (an eighth of the time of a 1 MB sign+encrypt, before encryption of fixed parts moved to
 * {@link EnvelopedPart}).
 */
public final class FixedPartGenerators {
    private FixedPartGenerators() {
    }

    public static SMIMESignedGenerator signed() {
        return new SMIMESignedGenerator() {
            @Override
            protected MimeBodyPart makeContentBodyPart(MimeBodyPart content) throws SMIMEException {
                return MimeParts.isFixed(content) ? content : super.makeContentBodyPart(content);
            }
        };
    }

    public static SMIMECompressedGenerator compressed() {
        return new SMIMECompressedGenerator() {
            @Override
            protected MimeBodyPart makeContentBodyPart(MimeBodyPart content) throws SMIMEException {
                return MimeParts.isFixed(content) ? content : super.makeContentBodyPart(content);
            }
        };
    }

}
