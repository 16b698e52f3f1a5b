package org.hsmkit.smime.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;

import org.bouncycastle.mail.smime.SMIMEAuthEnvelopedGenerator;
import org.bouncycastle.mail.smime.SMIMECompressedGenerator;
import org.bouncycastle.mail.smime.SMIMEEnvelopedGenerator;
import org.bouncycastle.mail.smime.SMIMEException;
import org.bouncycastle.mail.smime.SMIMESignedGenerator;

/**
 * Bouncy Castle's S/MIME generators, except that a part hsmkit already fixed as bytes (see
 * {@link MimeParts#bodyOf}) goes in as it is. The generators first copy the part into a new
 * message and call {@code saveChanges()} on it to fill in missing Content-* headers; a fixed part
 * has them all, and for a multipart (a signed message being encrypted) that call parsed the whole
 * body again: an eighth of the time of a 1 MB sign+encrypt.
 */
public final class FixedPartGenerators {
    private FixedPartGenerators() {
    }

    public static SMIMESignedGenerator signed() {
        return new SMIMESignedGenerator() {
            @Override
            protected MimeBodyPart makeContentBodyPart(MimeBodyPart content) throws SMIMEException {
                return isFixed(content) ? content : super.makeContentBodyPart(content);
            }
        };
    }

    public static SMIMEEnvelopedGenerator enveloped(boolean authenticated) {
        if (authenticated) {
            return new SMIMEAuthEnvelopedGenerator() {
                @Override
                protected MimeBodyPart makeContentBodyPart(MimeBodyPart content) throws SMIMEException {
                    return isFixed(content) ? content : super.makeContentBodyPart(content);
                }
            };
        }
        return new SMIMEEnvelopedGenerator() {
            @Override
            protected MimeBodyPart makeContentBodyPart(MimeBodyPart content) throws SMIMEException {
                return isFixed(content) ? content : super.makeContentBodyPart(content);
            }
        };
    }

    public static SMIMECompressedGenerator compressed() {
        return new SMIMECompressedGenerator() {
            @Override
            protected MimeBodyPart makeContentBodyPart(MimeBodyPart content) throws SMIMEException {
                return isFixed(content) ? content : super.makeContentBodyPart(content);
            }
        };
    }

    /**
     * A part of fixed bytes whose headers {@code saveChanges()} would leave as they are: it has a
     * Content-Type, and a Content-Transfer-Encoding unless it is a multipart (which has none).
     */
    static boolean isFixed(MimeBodyPart part) {
        if (!(part instanceof BufferedBodyPart)) {
            return false;
        }
        try {
            String[] type = part.getHeader("Content-Type");
            return type != null && (part.getHeader("Content-Transfer-Encoding") != null
                    || type[0].trim().regionMatches(true, 0, "multipart/", 0, "multipart/".length()));
        } catch (MessagingException e) {
            return false;
        }
    }
}
