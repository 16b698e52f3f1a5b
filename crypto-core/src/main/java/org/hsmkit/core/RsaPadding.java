package org.hsmkit.core;

/**
 * RSA encryption paddings. OAEP variants use MGF1 with the same hash as the label hash, and an
 * empty label. {@link #OAEP_SHA256} is the default for new files.
 */
public enum RsaPadding {
    OAEP_SHA256(DigestAlgorithm.SHA256),
    OAEP_SHA1(null),
    OAEP_SHA384(DigestAlgorithm.SHA384),
    OAEP_SHA512(DigestAlgorithm.SHA512),
    PKCS1(null);

    private final DigestAlgorithm oaepDigest;

    RsaPadding(DigestAlgorithm oaepDigest) {
        this.oaepDigest = oaepDigest;
    }

    public boolean isOaep() {
        return this != PKCS1;
    }

    /** The JCA name of the OAEP hash (also the MGF1 hash); only meaningful for OAEP paddings. */
    public String oaepHashJcaName() {
        if (this == OAEP_SHA1) {
            return "SHA-1";
        }
        if (oaepDigest == null) {
            throw new IllegalStateException(name() + " is not OAEP");
        }
        return oaepDigest.jcaName();
    }
}
