package org.hsmkit.core.internal.cms;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BEROctetStringGenerator;
import org.bouncycastle.asn1.BERSequenceGenerator;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo;
import org.bouncycastle.asn1.cms.OriginatorInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JceGenericKey;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * Writes an EnvelopedData or AuthEnvelopedData like the one an {@link EnvelopeReader} reads, with
 * a changed recipient list: the header first (kept recipient infos as they were, key-agreement
 * infos rebuilt without removed keys, new infos appended), then the encrypted content streamed
 * through {@link #content()} into a BER octet string, then the trailer copied as read. BER with
 * indefinite lengths, as {@code openssl cms -stream} writes.
 */
public final class EnvelopeWriter {
    private static final int SEGMENT = 1 << 16;

    private final boolean authenticated;
    private final BERSequenceGenerator contentInfo;
    private final BERSequenceGenerator envelope;
    private final BERSequenceGenerator encryptedContentInfo;
    private final OutputStream content;

    private EnvelopeWriter(OutputStream out, EnvelopeReader source, ASN1Set recipientInfos) throws IOException {
        this.authenticated = source.authenticated();
        contentInfo = new BERSequenceGenerator(out);
        contentInfo.addObject(source.contentType());
        envelope = new BERSequenceGenerator(contentInfo.getRawOutputStream(), 0, true);
        envelope.addObject(new ASN1Integer(version(source, recipientInfos)));
        if (source.originatorInfo() != null) {
            envelope.getRawOutputStream().write(source.originatorInfo().getEncoded());
        }
        envelope.getRawOutputStream().write(recipientInfos.getEncoded(ASN1Encoding.DER));
        encryptedContentInfo = new BERSequenceGenerator(envelope.getRawOutputStream());
        encryptedContentInfo.addObject(source.encryptedContentType());
        encryptedContentInfo.getRawOutputStream().write(source.contentAlgorithm().getEncoded(ASN1Encoding.DER));
        BEROctetStringGenerator octets = new BEROctetStringGenerator(encryptedContentInfo.getRawOutputStream(), 0, false);
        content = octets.getOctetOutputStream(new byte[SEGMENT]);
    }

    /**
     * Writes the header of the new file.
     *
     * @param remaining the entries of {@code source} that stay
     * @param added one generator per new recipient
     * @param contentKey the content key to wrap for the new recipients
     */
    public static EnvelopeWriter start(OutputStream out, EnvelopeReader source, List<RecipientEntries.Entry> remaining,
            List<RecipientInfoGenerator> added, byte[] contentKey) throws IOException {
        ASN1EncodableVector infos = new ASN1EncodableVector();
        int index = -1;
        for (ASN1Encodable info : source.recipientInfos()) {
            index++;
            int at = index;
            List<RecipientEntries.Entry> kept = remaining.stream().filter(e -> e.info() == at).toList();
            if (kept.isEmpty()) {
                continue;
            }
            ASN1Encodable inner = RecipientInfo.getInstance(info).getInfo();
            if (inner instanceof KeyAgreeRecipientInfo ka && kept.size() < ka.getRecipientEncryptedKeys().size()) {
                ASN1EncodableVector keys = new ASN1EncodableVector();
                for (RecipientEntries.Entry e : kept) {
                    keys.add(ka.getRecipientEncryptedKeys().getObjectAt(e.key()));
                }
                infos.add(new RecipientInfo(new KeyAgreeRecipientInfo(ka.getOriginator(), ka.getUserKeyingMaterial(),
                        ka.getKeyEncryptionAlgorithm(), new DERSequence(keys))));
            } else {
                infos.add(info);
            }
        }
        JceGenericKey key = new JceGenericKey(source.contentAlgorithm(), new SecretKeySpec(contentKey, "AES"));
        try {
            for (RecipientInfoGenerator g : added) {
                infos.add(g.generate(key));
            }
        } catch (CMSException e) {
            throw new HsmkitException(ErrorKind.KEY, "cannot wrap the content key for a new recipient: " + e.getMessage(), null, e);
        }
        return new EnvelopeWriter(out, source, new DERSet(infos));
    }

    /** RFC 5652 6.1 for EnvelopedData, never lower than the source declared (its unprotected attributes count); 0 for AuthEnvelopedData. */
    private static int version(EnvelopeReader source, ASN1Set infos) {
        if (source.authenticated()) {
            return 0;
        }
        OriginatorInfo originator = source.originatorInfo() == null ? null
                : OriginatorInfo.getInstance((ASN1TaggedObject) source.originatorInfo(), false);
        return Math.max(source.version(), EnvelopedData.calculateVersion(originator, infos, null));
    }

    /** Where the encrypted content goes, unchanged. */
    public OutputStream content() {
        return content;
    }

    /** Closes the content and writes the trailer as read: authenticated attributes, MAC, unprotected attributes. */
    public void finish(EnvelopeReader.Trailer trailer) throws IOException {
        content.close();
        encryptedContentInfo.close();
        if (authenticated) {
            if (trailer.authAttributes() != null) {
                envelope.addObject(new DERTaggedObject(false, 1, trailer.authAttributes()));
            }
            envelope.addObject(new DEROctetString(trailer.mac()));
        }
        if (trailer.unprotectedAttributes() != null) {
            envelope.getRawOutputStream().write(trailer.unprotectedAttributes().getEncoded());
        }
        envelope.close();
        contentInfo.close();
    }

}
