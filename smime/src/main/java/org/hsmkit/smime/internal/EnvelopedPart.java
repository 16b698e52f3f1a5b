package org.hsmkit.smime.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;

import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.OutputEncryptor;

/**
 * An application/pkcs7-mime enveloped part (RFC 8551 section 3.3) around a part of fixed bytes,
 * written here rather than by bcjmail's generator, with the same headers. The generator's output
 * is base64-encoded by Angus Mail's encoder stream as the part is written; the JDK's MIME encoder
 * does the same work in a fraction of the time (Angus's encoder was a tenth of a 1 MB
 * sign+encrypt in a JFR profile).
 */
public final class EnvelopedPart {
    private EnvelopedPart() {
    }

    /**
     * The encrypted part, as fixed bytes: AuthEnvelopedData when {@code encryptor} is an
     * {@link OutputAEADEncryptor}, EnvelopedData otherwise. {@code content} must be fixed
     * ({@link MimeParts#isFixed}).
     */
    public static MimeBodyPart of(MimeBodyPart content, List<RecipientInfoGenerator> recipients, OutputEncryptor encryptor)
            throws IOException, MessagingException, CMSException {
        boolean authenticated = encryptor instanceof OutputAEADEncryptor;
        ByteSink out = new ByteSink(16384);
        out.write(("Content-Type: application/pkcs7-mime; name=\"smime.p7m\"; smime-type="
                + (authenticated ? "authEnveloped-data" : "enveloped-data") + "\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"smime.p7m\"\r\n"
                + "Content-Description: S/MIME Encrypted Message\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        try (OutputStream base64 = Base64.getMimeEncoder().wrap(out); OutputStream plain = open(base64, recipients, encryptor)) {
            content.writeTo(plain);
        }
        return new BufferedBodyPart(out.toInputStream());
    }

    private static OutputStream open(OutputStream der, List<RecipientInfoGenerator> recipients, OutputEncryptor encryptor)
            throws IOException, CMSException {
        if (encryptor instanceof OutputAEADEncryptor aead) {
            CMSAuthEnvelopedDataStreamGenerator g = new CMSAuthEnvelopedDataStreamGenerator();
            recipients.forEach(g::addRecipientInfoGenerator);
            return g.open(der, aead);
        }
        CMSEnvelopedDataStreamGenerator g = new CMSEnvelopedDataStreamGenerator();
        recipients.forEach(g::addRecipientInfoGenerator);
        return g.open(der, encryptor);
    }
}
