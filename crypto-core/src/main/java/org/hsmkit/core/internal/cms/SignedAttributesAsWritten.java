package org.hsmkit.core.internal.cms;

import java.io.IOException;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.cms.SignerInformation;

/**
 * A signer whose signature is checked over its signed attributes exactly as the signer wrote
 * them. RFC 5652 asks for the DER encoding, a SET OF sorted by encoding; some signers (among them
 * real PAdES signatures of 2011, and mail and file signers of that time) wrote the attributes in
 * another order and signed those bytes.
 * Bouncy Castle checks over a DER re-encoding, which then differs from what was signed; openssl
 * and poppler check over the bytes as written. Checking them as written proves no less: the
 * attributes read afterwards (message digest, signing certificate) come from those same bytes.
 */
public final class SignedAttributesAsWritten extends SignerInformation {

    private SignedAttributesAsWritten(SignerInformation signer) {
        super(signer);
    }

    /** The signer to check again over its attributes as written, or null when they are already DER. */
    public static SignerInformation of(SignerInformation signer) {
        try {
            if (signer.toASN1Structure().getAuthenticatedAttributes() == null
                    || Arrays.equals(signer.getEncodedSignedAttributes(), asWritten(signer))) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return new SignedAttributesAsWritten(signer);
    }

    /** The attributes in the order and form they were parsed in (definite-length encoding). */
    private static byte[] asWritten(SignerInformation signer) throws IOException {
        return signer.toASN1Structure().getAuthenticatedAttributes().getEncoded(ASN1Encoding.DL);
    }

    @Override
    public byte[] getEncodedSignedAttributes() throws IOException {
        return asWritten(this);
    }
}
