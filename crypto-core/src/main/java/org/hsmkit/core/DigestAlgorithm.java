package org.hsmkit.core;

/** Hash functions hsmkit signs with. SHA-256 is the default everywhere. */
public enum DigestAlgorithm {
    SHA256("SHA-256", "2.16.840.1.101.3.4.2.1", 32),
    SHA384("SHA-384", "2.16.840.1.101.3.4.2.2", 48),
    SHA512("SHA-512", "2.16.840.1.101.3.4.2.3", 64);

    private final String jcaName;
    private final String oid;
    private final int length;

    DigestAlgorithm(String jcaName, String oid, int length) {
        this.jcaName = jcaName;
        this.oid = oid;
        this.length = length;
    }

    /** The JCA name, for {@link java.security.MessageDigest#getInstance(String)}. */
    public String jcaName() {
        return jcaName;
    }

    /** The dotted object identifier. */
    public String oid() {
        return oid;
    }

    /**
     * A hash as strong as the key: SHA-384 for 384-bit curves, SHA-512 for 512- and 521-bit
     * curves, SHA-256 for the rest (what CAs and verifiers expect with P-384 and P-521 keys).
     */
    public static DigestAlgorithm forKey(KeyType type) {
        if (type.isRsa() || type.bits() <= 256) {
            return SHA256;
        }
        return type.bits() <= 384 ? SHA384 : SHA512;
    }

    /** Digest length in bytes. */
    public int length() {
        return length;
    }
}
