package org.hsmkit.smime.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSCompressedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessable;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.ZlibExpanderProvider;
import org.bouncycastle.mail.smime.SMIMESigned;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.cms.CmsDecryptor;
import org.hsmkit.smime.DecompressionLimits;
import org.hsmkit.smime.SignatureReport;
import org.hsmkit.smime.SmimeLayer;
import org.hsmkit.smime.SmimeReport;
import org.hsmkit.smime.UnsignedPart;

/**
 * Walks a message's MIME tree once, removing S/MIME layers wherever they are and recording what
 * each proved, and which displayed parts no signature covers.
 */
public final class MessageWalker {
    /** Nesting deeper than this is refused (each layer can wrap another). */
    private static final int MAX_DEPTH = 32;

    private final SignatureChecks checks;
    private final Supplier<CmsDecryptor> decryptor;
    private final DecompressionLimits limits;
    private final boolean decryptOnly;
    private final List<SmimeLayer> layers = new ArrayList<>();
    private final List<UnsignedPart> unsigned = new ArrayList<>();
    private List<String> fromAddresses = List.of();

    /**
     * @param decryptor asked only when an encrypted layer is met (so a token is opened only when
     *        needed); null when no key was given
     * @param decryptOnly remove only the encryption and compression layers at the top, leave
     *        signatures in place
     */
    public MessageWalker(SignatureChecks checks, Supplier<CmsDecryptor> decryptor, DecompressionLimits limits, boolean decryptOnly) {
        this.checks = checks;
        this.decryptor = decryptor;
        this.limits = limits;
        this.decryptOnly = decryptOnly;
    }

    public SmimeReport read(MimeMessage message) {
        try {
            fromAddresses = fromAddresses(message);
            MimeBodyPart body = MimeParts.bodyOfVerbatim(message);
            MimePart content = unwrap(body, "1", false, 0);
            MimeBodyPart contentPart = content instanceof MimeBodyPart b ? b : body;
            MimeMessage out = MimeParts.messageWith(message, contentPart);
            return new SmimeReport(out, contentPart, layers, unsigned);
        } catch (MessagingException e) {
            throw HsmkitException.input("malformed MIME message: " + e.getMessage(), "check that the input is a complete .eml message", e);
        } catch (IOException e) {
            throw HsmkitException.input("cannot read the message: " + e.getMessage(), "check that the input is a complete .eml message", e);
        } catch (RuntimeException e) {
            // parts and attached messages are parsed as they are reached
            throw MimeParts.malformedOrRethrow(e);
        }
    }

    private static List<String> fromAddresses(MimeMessage message) throws MessagingException {
        List<String> out = new ArrayList<>();
        String[] raw = message.getHeader("From");
        if (raw == null) {
            return out;
        }
        for (String h : raw) {
            try {
                for (Address a : InternetAddress.parseHeader(h, false)) {
                    if (a instanceof InternetAddress ia && ia.getAddress() != null) {
                        out.add(ia.getAddress().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (AddressException e) {
                // an unparseable From matches no certificate; the report says there is no From address
            }
        }
        return out;
    }

    private MimePart unwrap(MimeBodyPart part, String path, boolean signed, int depth) throws MessagingException, IOException {
        if (depth > MAX_DEPTH) {
            throw HsmkitException.input("the message nests more than " + MAX_DEPTH + " layers", "this is not a message a mail client makes");
        }
        ContentType type = contentType(part);
        String base = type.getBaseType().toLowerCase(Locale.ROOT);
        String protocol = type.getParameter("protocol");
        boolean smimeSigned = protocol == null || protocol.toLowerCase(Locale.ROOT).endsWith("pkcs7-signature");
        if (base.equals("multipart/signed") && smimeSigned) {
            if (decryptOnly) {
                return part;
            }
            MimeMultipart mm = new MimeMultipart(part.getDataHandler().getDataSource());
            if (mm.getCount() != 2) {
                throw HsmkitException.input("multipart/signed at part " + path + " has " + mm.getCount() + " parts instead of 2",
                        "the message is malformed or was altered in transit");
            }
            SMIMESigned s;
            try {
                s = new SMIMESigned(mm);
            } catch (CMSException | RuntimeException e) {
                throw HsmkitException.input("the signature at part " + path + " cannot be read: " + e.getMessage(),
                        "the signature part is corrupted or truncated", e);
            }
            List<SignatureReport> reports = checks.check(s, fromAddresses);
            layers.add(new SmimeLayer(SmimeLayer.Kind.SIGNED_DETACHED, path, "multipart/signed", reports));
            return unwrap(s.getContent(), path + ".1", true, depth + 1);
        }
        if (isPkcs7Mime(part, base)) {
            ContentInfo info = readContentInfo(part, path);
            ASN1ObjectIdentifier t = info.getContentType();
            if (t.equals(CMSObjectIdentifiers.signedData)) {
                if (decryptOnly) {
                    return part;
                }
                CMSSignedData sd;
                byte[] inner;
                try {
                    sd = new CMSSignedData(info);
                    CMSProcessable c = sd.getSignedContent();
                    if (c == null) {
                        throw HsmkitException.input("signed-data at part " + path + " carries no content",
                                "a detached signature belongs in multipart/signed");
                    }
                    inner = (byte[]) c.getContent();
                } catch (CMSException | RuntimeException e) {
                    if (e instanceof HsmkitException h) {
                        throw h;
                    }
                    throw HsmkitException.input("the signed-data at part " + path + " cannot be read: " + e.getMessage(), null, e);
                }
                List<SignatureReport> reports = checks.check(sd, fromAddresses);
                layers.add(new SmimeLayer(SmimeLayer.Kind.SIGNED_OPAQUE, path, "signed-data", reports));
                return unwrap(parsePart(inner, path), path, true, depth + 1);
            }
            if (t.equals(CMSObjectIdentifiers.envelopedData) || t.equals(CMSObjectIdentifiers.authEnvelopedData)) {
                boolean auth = t.equals(CMSObjectIdentifiers.authEnvelopedData);
                if (decryptor == null) {
                    throw HsmkitException.key("part " + path + " is encrypted and no decryption key was given",
                            "give the recipient's key (--key)");
                }
                byte[] inner;
                String algorithm;
                try {
                    algorithm = algorithmName(contentEncryptionAlgorithm(info).getId());
                    inner = readAll(decryptor.get().open(info), -1, "the decrypted content of part " + path);
                } catch (HsmkitException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw HsmkitException.input("the encrypted part " + path + " cannot be read: " + e.getMessage(),
                            "the message is corrupted or truncated", e);
                }
                layers.add(new SmimeLayer(auth ? SmimeLayer.Kind.AUTH_ENVELOPED : SmimeLayer.Kind.ENVELOPED, path, algorithm, List.of()));
                return unwrap(parsePart(inner, path), path, signed, depth + 1);
            }
            if (t.equals(CMSObjectIdentifiers.compressedData)) {
                byte[] inner;
                try {
                    CMSCompressedData cd = new CMSCompressedData(info);
                    long compressedSize = info.getEncoded().length;
                    inner = readAll(cd.getContentStream(new ZlibExpanderProvider()).getContentStream(), compressedSize,
                            "the compressed part " + path);
                } catch (CMSException | RuntimeException e) {
                    if (e instanceof HsmkitException h) {
                        throw h;
                    }
                    throw HsmkitException.input("the compressed part " + path + " cannot be read: " + e.getMessage(), null, e);
                }
                layers.add(new SmimeLayer(SmimeLayer.Kind.COMPRESSED, path, "zlib", List.of()));
                return unwrap(parsePart(inner, path), path, signed, depth + 1);
            }
            throw HsmkitException.input("part " + path + " holds CMS content of type " + t + ", which S/MIME does not use",
                    null);
        }
        if (decryptOnly) {
            return part;
        }
        if (base.equals("message/rfc822")) {
            // an attached or header-protecting message: its signatures answer to its own From
            MimeMessage inner = new MimeMessage(MimeParts.session(), part.getInputStream());
            List<String> outerFrom = fromAddresses;
            fromAddresses = fromAddresses(inner);
            try {
                unwrap(MimeParts.bodyOfVerbatim(inner), path + ".1", signed, depth + 1);
            } finally {
                fromAddresses = outerFrom;
            }
            return part;
        }
        if (base.startsWith("multipart/")) {
            MimeMultipart mm = new MimeMultipart(part.getDataHandler().getDataSource());
            for (int i = 0; i < mm.getCount(); i++) {
                BodyPart child = mm.getBodyPart(i);
                if (child instanceof MimeBodyPart c) {
                    unwrap(c, path + "." + (i + 1), signed, depth + 1);
                }
            }
            return part;
        }
        if (!signed) {
            unsigned.add(new UnsignedPart(path, base));
        }
        return part;
    }

    private static ContentType contentType(MimePart part) throws MessagingException {
        String ct = part.getHeader("Content-Type", null);
        if (ct == null) {
            return new ContentType("text/plain; charset=us-ascii");
        }
        try {
            return new ContentType(ct);
        } catch (jakarta.mail.internet.ParseException e) {
            throw HsmkitException.input("malformed Content-Type '" + ct + "': " + e.getMessage(),
                    "the message is malformed", e);
        }
    }

    private static boolean isPkcs7Mime(MimePart part, String base) throws MessagingException {
        if (base.equals("application/pkcs7-mime") || base.equals("application/x-pkcs7-mime")) {
            return true;
        }
        // some clients label S/MIME as octet-stream with a .p7m name (RFC 8551 section 3.2.2)
        if (base.equals("application/octet-stream")) {
            String name = contentType(part).getParameter("name");
            String file = part.getFileName();
            return (name != null && name.toLowerCase(Locale.ROOT).endsWith(".p7m"))
                    || (file != null && file.toLowerCase(Locale.ROOT).endsWith(".p7m"));
        }
        return false;
    }

    private ContentInfo readContentInfo(MimeBodyPart part, String path) throws MessagingException {
        try (InputStream in = part.getInputStream();
                ASN1InputStream asn = new ASN1InputStream(in, (int) Math.min(Integer.MAX_VALUE, limits.maxBytes()))) {
            ASN1Primitive p = asn.readObject();
            if (p == null) {
                throw new IOException("empty");
            }
            return ContentInfo.getInstance(p);
        } catch (IOException | RuntimeException e) {
            if (e instanceof HsmkitException h) {
                throw h;
            }
            throw HsmkitException.input("part " + path + " is not a readable CMS structure (truncated or corrupted): "
                    + e.getMessage(), "ask the sender to send the message again", e);
        }
    }

    private byte[] readAll(InputStream in, long compressedSize, String what) {
        try (InputStream s = in) {
            return BoundedCopy.read(s, limits, compressedSize, what);
        } catch (IOException e) {
            throw HsmkitException.verification(what + " failed to decrypt or decompress: " + e.getMessage(),
                    "the message was altered or truncated");
        }
    }

    private static MimeBodyPart parsePart(byte[] inner, String path) {
        try {
            return MimeParts.parsePart(inner);
        } catch (MessagingException e) {
            throw HsmkitException.input("the content inside part " + path + " is not a MIME entity: " + e.getMessage(), null, e);
        }
    }

    /**
     * The content-encryption algorithm of (auth-)enveloped data: the first SEQUENCE in the
     * structure is the encrypted-content info (version, originator info and recipient infos are an
     * INTEGER, a tagged object and a SET). Read here directly: Bouncy Castle's classes for the whole
     * structure copy the whole content into one array on the way, a megabyte for a 1 MB message,
     * and the decryptor parses it once more anyway.
     */
    private static ASN1ObjectIdentifier contentEncryptionAlgorithm(ContentInfo info) {
        for (ASN1Encodable e : ASN1Sequence.getInstance(info.getContent())) {
            if (e instanceof ASN1Sequence encryptedContentInfo) {
                return AlgorithmIdentifier.getInstance(encryptedContentInfo.getObjectAt(1)).getAlgorithm();
            }
        }
        throw new IllegalArgumentException("no encrypted content info in the enveloped data");
    }

    private static String algorithmName(String oid) {
        DefaultAlgorithmNameFinder f = new DefaultAlgorithmNameFinder();
        return f.getAlgorithmName(new ASN1ObjectIdentifier(oid));
    }
}
