package org.hsmkit.core.internal.soft;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.HsmkitException;

/** Encodings around raw signature operations: PKCS#1 DigestInfo, ECDSA r‖s to DER. */
public final class SignatureFormats {
    private SignatureFormats() {
    }

    /** The DER DigestInfo that PKCS#1 v1.5 signs: hash algorithm (with NULL parameters) and digest. */
    public static byte[] digestInfo(DigestAlgorithm algorithm, byte[] digest) {
        try {
            return new DigestInfo(new AlgorithmIdentifier(new ASN1ObjectIdentifier(algorithm.oid()), DERNull.INSTANCE), digest)
                    .getEncoded("DER");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Turns a PKCS#11 ECDSA signature (r‖s, each half as long as the order) into the DER
     * {@code SEQUENCE { r INTEGER, s INTEGER }} that X.509 and CMS use. A signature that is
     * already DER (some modules return that) is re-encoded as is.
     */
    public static byte[] ecdsaToDer(byte[] signature, int orderBytes) {
        try {
            if (signature.length == 2 * orderBytes) {
                BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, orderBytes));
                BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, orderBytes, signature.length));
                return new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {new ASN1Integer(r), new ASN1Integer(s)})
                        .getEncoded("DER");
            }
            ASN1Sequence seq = ASN1Sequence.getInstance(signature);
            if (seq.size() != 2) {
                throw new IllegalArgumentException("not r and s");
            }
            return seq.getEncoded("DER");
        } catch (IOException | IllegalArgumentException e) {
            throw HsmkitException.key("the token returned an ECDSA signature of unexpected form (" + signature.length
                    + " bytes)", null);
        }
    }

    /** The leftmost bytes of a digest that fit the order, as ECDSA uses them (orders here are whole bytes or larger). */
    public static byte[] truncateForOrder(byte[] digest, int orderBits) {
        int max = (orderBits + 7) / 8;
        return digest.length <= max ? digest : Arrays.copyOf(digest, max);
    }
}
