package org.hsmkit.core.internal.soft;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.TokenKey;

/** Key identifiers (CKA_ID) derived from public keys, and public-key comparison. */
public final class KeyIds {
    private KeyIds() {
    }

    /**
     * The SHA-1 hash of the public key bits (the BIT STRING content of SubjectPublicKeyInfo), as
     * RFC 5280 derives a subject key identifier. Used when a key is stored without an explicit id.
     */
    public static byte[] of(PublicKey key) {
        try {
            byte[] bits = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes();
            return MessageDigest.getInstance("SHA-1").digest(bits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether two public keys are the same key, whatever provider made them and however their
     * parameters are written: the key bits (RSA's modulus and exponent, an EC point) decide, so a
     * certificate naming its RSA key as RSASSA-PSS, or its curve by explicit parameters, matches
     * the token's key. The one place hsmkit compares public keys.
     */
    public static boolean sameKey(PublicKey a, PublicKey b) {
        SubjectPublicKeyInfo x = SubjectPublicKeyInfo.getInstance(a.getEncoded());
        SubjectPublicKeyInfo y = SubjectPublicKeyInfo.getInstance(b.getEncoded());
        return Arrays.equals(x.getPublicKeyData().getBytes(), y.getPublicKeyData().getBytes());
    }

    /**
     * Refuses a certificate whose public key is not the key's.
     *
     * @throws HsmkitException INPUT naming the key and the certificate subject
     */
    public static void requireMatch(TokenKey key, X509Certificate certificate) {
        if (!sameKey(key.publicKey(), certificate.getPublicKey())) {
            throw HsmkitException.input("the certificate for '" + org.hsmkit.core.NameFormat.format(certificate.getSubjectX500Principal())
                    + "' does not belong to the key '" + key.label() + "' (its public key differs)",
                    "import the certificate issued for this key's CSR, or choose the key it was issued for");
        }
    }
}
