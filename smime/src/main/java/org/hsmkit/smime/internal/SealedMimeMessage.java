package org.hsmkit.smime.internal;

import java.io.InputStream;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * A message parsed from finished bytes whose body must never be rewritten: a signature or an
 * encryption already covers it. {@link #saveChanges()} (called by {@code Transport.send}) keeps
 * the body exactly as parsed and only adds a Message-ID when there is none, so neither the token
 * signature nor the content encryption runs again and nothing re-encodes the signed bytes.
 */
public final class SealedMimeMessage extends MimeMessage {

    public SealedMimeMessage(Session session, InputStream in) throws MessagingException {
        super(session, in);
    }

    @Override
    protected void updateHeaders() throws MessagingException {
        setHeader("MIME-Version", "1.0");
        if (getHeader("Message-ID") == null) {
            updateMessageID();
        }
    }
}
