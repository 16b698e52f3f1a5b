package org.hsmkit.smime.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;

import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.util.io.TeeOutputStream;

/**
 * A multipart/signed entity (RFC 8551 section 3.5) around a part of fixed bytes, written here
 * rather than by bcjmail's generator. The generator sends the content into the digest through its
 * {@code CRLFOutputStream}, one call per byte (a seventh of a 1 MB sign+encrypt in a JFR profile).
 * A fixed part is canonical already (see {@link MimeParts#bodyOf}), so its bytes are hashed as they
 * are written into the first body part, in the same pass: the signature covers exactly the bytes a
 * verifier finds between the first two boundaries.
 */
public final class MultipartSigned {
    private static final SecureRandom RANDOM = new SecureRandom();

    private MultipartSigned() {
    }

    /**
     * The signed entity, as fixed bytes. {@code content} must be fixed ({@link MimeParts#isFixed}).
     *
     * @param generator a detached-signature generator with its signer, certificates and CRLs
     * @param micalg the micalg parameter for the signer's digest ("sha-256")
     */
    public static MimeBodyPart of(MimeBodyPart content, CMSSignedDataStreamGenerator generator, String micalg)
            throws IOException, MessagingException {
        // 128 random bits: the content is not searched for the boundary, and none holds it by chance
        String boundary = "----=_Part_" + HexFormat.of().formatHex(randomBytes());
        ByteSink out = new ByteSink(16384);
        ascii(out, "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=" + micalg
                + "; \r\n\tboundary=\"" + boundary + "\"\r\n\r\n--" + boundary + "\r\n");
        ByteSink signature = new ByteSink(8192);
        OutputStream signing = generator.open(signature, false);
        content.writeTo(new TeeOutputStream(out, signing));
        // closed only after the whole content: closing is what makes the signature on the token
        signing.close();
        ascii(out, "\r\n--" + boundary + "\r\n"
                + "Content-Type: application/pkcs7-signature; name=smime.p7s; smime-type=signed-data\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n"
                + "Content-Description: S/MIME Cryptographic Signature\r\n\r\n");
        out.write(Base64.getMimeEncoder().encode(signature.toByteArray()));
        ascii(out, "\r\n--" + boundary + "--\r\n");
        return new BufferedBodyPart(out.toInputStream());
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void ascii(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
    }
}
