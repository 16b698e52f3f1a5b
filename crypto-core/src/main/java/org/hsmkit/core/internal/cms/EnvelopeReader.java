package org.hsmkit.core.internal.cms;

import java.io.IOException;
import java.io.InputStream;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1TaggedObjectParser;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1OctetStringParser;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1SequenceParser;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1SetParser;
import org.bouncycastle.asn1.ASN1StreamParser;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfoParser;
import org.bouncycastle.asn1.cms.EncryptedContentInfoParser;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.io.LengthBound;

/**
 * Reads a CMS EnvelopedData or AuthEnvelopedData as a stream: first the header (recipients,
 * content algorithm), then the encrypted content as an {@link InputStream}, then the trailer
 * (authenticated attributes and MAC). Holds only the header in memory.
 */
public final class EnvelopeReader {
    private final SingleStructure source;
    private final ASN1SequenceParser top;
    private final ASN1SequenceParser body;
    private ASN1SequenceParser encryptedContentInfo;
    private final ASN1ObjectIdentifier contentType;
    private final boolean authenticated;
    private final ASN1Set recipientInfos;
    private final int version;
    private final ASN1Primitive originatorInfo;
    private final ASN1ObjectIdentifier encryptedContentType;
    private final AlgorithmIdentifier contentAlgorithm;
    private final InputStream content;
    /** The most an encrypted file's header may claim when the input's size is unknown. */
    static final long HEADER_LIMIT = 16L << 20;

    private EnvelopeReader(InputStream der) throws IOException {
        // from a pipe the size is unknown, and Bouncy Castle's limit would be the heap: a 12-byte
        // input claiming 813 MB in a header string was allocated. What it holds in memory is the
        // header (recipients, algorithm parameters); the content is streamed, and the limit does not
        // apply to it. So the header is held to HEADER_LIMIT when nothing better is known.
        this.source = new SingleStructure(LengthBound.of(der) >= 0 ? der : LengthBound.mark(der, HEADER_LIMIT));
        ASN1StreamParser parser = new ASN1StreamParser(source);
        ASN1Encodable first = parser.readObject();
        if (!(first instanceof ASN1SequenceParser seq)) {
            throw notCms(null);
        }
        this.top = seq;
        ContentInfoParser ci = new ContentInfoParser(seq);
        this.contentType = ci.getContentType();
        if (CMSObjectIdentifiers.authEnvelopedData.equals(contentType)) {
            authenticated = true;
        } else if (CMSObjectIdentifiers.envelopedData.equals(contentType)) {
            authenticated = false;
        } else {
            throw notCms(contentType);
        }
        this.body = (ASN1SequenceParser) ci.getContent(BERTags.SEQUENCE);
        this.version = ASN1Integer.getInstance(body.readObject()).intValueExact();
        ASN1Encodable next = body.readObject();
        ASN1Primitive originator = null;
        if (next instanceof ASN1TaggedObjectParser tagged) {
            if (tagged.getTagNo() != 0) {
                throw HsmkitException.input("unexpected field [" + tagged.getTagNo() + "] in the header", "the file is damaged");
            }
            originator = tagged.getLoadedObject(); // originatorInfo: certificates, not needed to decrypt
            next = body.readObject();
        }
        this.originatorInfo = originator;
        if (!(next instanceof ASN1SetParser recipients)) {
            throw HsmkitException.input("the file has no recipient list", "the file is damaged");
        }
        this.recipientInfos = ASN1Set.getInstance(recipients.toASN1Primitive());
        ASN1Encodable eciObject = body.readObject();
        if (!(eciObject instanceof ASN1SequenceParser eciSeq)) {
            throw HsmkitException.input("the file has no encrypted content information", "the file is damaged");
        }
        this.encryptedContentInfo = eciSeq;
        EncryptedContentInfoParser eci = new EncryptedContentInfoParser(eciSeq);
        this.encryptedContentType = eci.getContentType();
        this.contentAlgorithm = eci.getContentEncryptionAlgorithm();
        ASN1Encodable enc = eci.getEncryptedContent(BERTags.OCTET_STRING);
        if (enc == null) {
            throw HsmkitException.input("the file carries no encrypted content (detached content is not supported)",
                    "give the complete file");
        }
        this.content = ((ASN1OctetStringParser) enc).getOctetStream();
    }

    /**
     * Parses up to the encrypted content.
     *
     * @throws HsmkitException INPUT when the data is not enveloped CMS
     */
    public static EnvelopeReader open(InputStream der) {
        try {
            return new EnvelopeReader(der);
        } catch (HsmkitException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw damaged(e);
        }
    }

    public static HsmkitException damaged(Exception e) {
        return HsmkitException.input("the file is truncated or damaged (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", "get an intact copy of the file", e);
    }

    private static HsmkitException notCms(ASN1ObjectIdentifier type) {
        if (CMSObjectIdentifiers.signedData.equals(type)) {
            return HsmkitException.input("the file is signed, not encrypted", "use verify for signature files");
        }
        return HsmkitException.input("the input is not an encrypted CMS file"
                + (type == null ? "" : " (content type " + type.getId() + ")"),
                "give a file written by hsmkit encrypt, openssl cms -encrypt or gpgsm --encrypt");
    }

    public ASN1ObjectIdentifier contentType() {
        return contentType;
    }

    /** AuthEnvelopedData (GCM) rather than EnvelopedData. */
    public boolean authenticated() {
        return authenticated;
    }

    public ASN1Set recipientInfos() {
        return recipientInfos;
    }

    /** The syntax version the file declares. */
    public int version() {
        return version;
    }

    /** The header's originatorInfo as read ({@code [0]} tagged), or null. */
    public ASN1Primitive originatorInfo() {
        return originatorInfo;
    }

    /** The type of the content inside the encryption (id-data for files). */
    public ASN1ObjectIdentifier encryptedContentType() {
        return encryptedContentType;
    }

    public AlgorithmIdentifier contentAlgorithm() {
        return contentAlgorithm;
    }

    /** The encrypted content; read it to its end before {@link #finish()}. */
    public InputStream content() {
        return content;
    }

    /**
     * What follows the encrypted content: for AuthEnvelopedData the authenticated attributes and
     * the MAC; for both types the unprotected (unauthenticated) attributes as read, tagged, or null.
     */
    public record Trailer(ASN1Set authAttributes, byte[] mac, ASN1Primitive unprotectedAttributes) {
    }

    /**
     * Reads what follows the content and checks that the structure ends properly with nothing
     * after it.
     *
     * @throws HsmkitException INPUT when the trailer is missing or damaged
     */
    public Trailer finish() {
        try {
            ASN1Set authAttrs = null;
            byte[] mac = null;
            ASN1Primitive unprotected = null;
            if (encryptedContentInfo.readObject() != null) {
                throw HsmkitException.input("unexpected data after the encrypted content", "the file is damaged");
            }
            ASN1Encodable next = body.readObject();
            if (authenticated) {
                if (next instanceof ASN1TaggedObjectParser t && t.getTagNo() == 1) {
                    authAttrs = ASN1Set.getInstance(ASN1TaggedObject.getInstance(t.getLoadedObject()), false);
                    next = body.readObject();
                }
                if (next instanceof ASN1OctetStringParser op) {
                    mac = ASN1OctetString.getInstance(op.getLoadedObject()).getOctets();
                } else if (next instanceof ASN1OctetString os) {
                    mac = os.getOctets();
                } else {
                    throw HsmkitException.input("the file has no authentication tag", "the file is truncated or damaged");
                }
                next = body.readObject();
                if (next instanceof ASN1TaggedObjectParser t && t.getTagNo() == 2) {
                    unprotected = t.getLoadedObject();
                    next = body.readObject();
                }
            } else if (next instanceof ASN1TaggedObjectParser t && t.getTagNo() == 1) {
                unprotected = t.getLoadedObject();
                next = body.readObject();
            }
            if (next != null || top.readObject() != null) {
                throw HsmkitException.input("unexpected data after the encrypted content", "the file is damaged");
            }
            source.requireEnd();
            return new Trailer(authAttrs, mac, unprotected);
        } catch (HsmkitException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw damaged(e);
        }
    }
}
