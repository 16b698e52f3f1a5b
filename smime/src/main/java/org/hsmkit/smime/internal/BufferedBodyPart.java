package org.hsmkit.smime.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.SharedInputStream;

/**
 * A body part that writes itself through a buffer. Jakarta Mail writes a part line by line; the
 * S/MIME generators feed those writes straight into a cipher or digest, where each small call
 * costs far more than the bytes it carries.
 */
final class BufferedBodyPart extends MimeBodyPart {

    BufferedBodyPart(InternetHeaders headers, byte[] content) throws MessagingException {
        super(headers, content);
    }

    /** A part with these headers whose content is {@code content}, a {@link SharedInputStream} read in place. */
    BufferedBodyPart(InternetHeaders headers, InputStream content) throws MessagingException {
        super(headers, null);
        if (!(content instanceof SharedInputStream)) {
            throw new IllegalArgumentException("content must be read in place: " + content.getClass().getName());
        }
        this.contentStream = content;
    }

    BufferedBodyPart(InputStream in) throws MessagingException {
        super(in);
    }

    @Override
    public void writeTo(OutputStream os) throws IOException, MessagingException {
        BufferedOutputStream buffered = new BufferedOutputStream(os, 16384);
        super.writeTo(buffered);
        buffered.flush();
    }
}
