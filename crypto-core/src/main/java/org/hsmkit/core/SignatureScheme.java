package org.hsmkit.core;

/**
 * How a key signs a digest. RSA-PSS always uses MGF1 with the same hash and a salt as long as
 * the hash. ECDSA signatures are DER-encoded {@code SEQUENCE { r, s }}, as X.509 and CMS expect.
 */
public enum SignatureScheme {
    RSA_PKCS1,
    RSA_PSS,
    ECDSA;

    /** The scheme a key of this type uses unless told otherwise. */
    public static SignatureScheme defaultFor(KeyType type) {
        return type.isRsa() ? RSA_PKCS1 : ECDSA;
    }

    public boolean fits(KeyType type) {
        return this == ECDSA ? type.isEc() : type.isRsa();
    }
}
