package org.hsmkit.testdata;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DLSet;
import org.bouncycastle.asn1.DLSequence;
import org.bouncycastle.asn1.DLTaggedObject;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;

/**
 * Re-signs a CMS signature so that its signed attributes are written, and signed, in reverse DER
 * order, as some signers of the 2000s did (RFC 5652 asks for DER, a sorted SET OF). Openssl and
 * gpgsm verify such signatures over the bytes as written; a verifier that re-encodes them as DER
 * before checking sees a wrong signature. Only for signers with at least two signed attributes
 * and an RSA PKCS#1 v1.5 SHA-256 signature (hsmkit's signatures with RSA keys).
 */
public final class SignedAttributesOutOfOrder {
    private SignedAttributesOutOfOrder() {
    }

    /** {@code der}, a SignedData with one signer, with that signer's attributes reversed and signed again by {@code key}. */
    public static byte[] resign(byte[] der, PrivateKey key) throws IOException, GeneralSecurityException {
        ContentInfo ci = ContentInfo.getInstance(der);
        SignedData sd = SignedData.getInstance(ci.getContent());
        SignerInfo si = SignerInfo.getInstance(sd.getSignerInfos().getObjectAt(0));
        ASN1Set attributes = si.getAuthenticatedAttributes();
        if (attributes == null || attributes.size() < 2) {
            throw new IllegalArgumentException("the signer needs two signed attributes or more");
        }
        ASN1EncodableVector reversed = new ASN1EncodableVector();
        for (int i = attributes.size() - 1; i >= 0; i--) {
            reversed.add(attributes.getObjectAt(i));
        }
        ASN1Set asWritten = new DLSet(reversed);
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(asWritten.getEncoded(ASN1Encoding.DL));
        // DL types throughout: a DER encoding anywhere above the attributes would sort them again
        ASN1EncodableVector signer = new ASN1EncodableVector();
        signer.add(si.getVersion());
        signer.add(si.getSID());
        signer.add(si.getDigestAlgorithm());
        signer.add(new DLTaggedObject(false, 0, asWritten));
        signer.add(si.getDigestEncryptionAlgorithm());
        signer.add(new DEROctetString(s.sign()));
        if (si.getUnauthenticatedAttributes() != null) {
            signer.add(new DLTaggedObject(false, 1, si.getUnauthenticatedAttributes()));
        }
        ASN1EncodableVector signed = new ASN1EncodableVector();
        signed.add(sd.getVersion());
        signed.add(sd.getDigestAlgorithms());
        signed.add(sd.getEncapContentInfo());
        if (sd.getCertificates() != null) {
            signed.add(new DLTaggedObject(false, 0, sd.getCertificates()));
        }
        if (sd.getCRLs() != null) {
            signed.add(new DLTaggedObject(false, 1, sd.getCRLs()));
        }
        signed.add(new DLSet(new DLSequence(signer)));
        return new DLSequence(new ASN1Encodable[] {ci.getContentType(), new DLTaggedObject(true, 0, new DLSequence(signed))})
                .getEncoded(ASN1Encoding.DL);
    }
}
