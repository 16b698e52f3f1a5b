package org.hsmkit.core.internal;

import java.security.interfaces.ECPublicKey;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.SignatureScheme;

/** The argument checks every token key makes before it asks its token for a private-key operation. */
public final class KeyChecks {
    private KeyChecks() {
    }

    /**
     * Refuses a signature scheme that does not fit the key type, and a digest of the wrong length.
     *
     * @param name how messages name the key, e.g. {@code 'mail'}
     */
    public static void signature(KeyType type, String name, SignatureScheme scheme, DigestAlgorithm digestAlgorithm, byte[] digest) {
        if (!scheme.fits(type)) {
            throw HsmkitException.key(scheme + " cannot be used with the " + type + " key " + name,
                    type.isRsa() ? "use RSA_PKCS1 or RSA_PSS" : "use ECDSA");
        }
        if (digest.length != digestAlgorithm.length()) {
            throw new IllegalArgumentException("digest length " + digest.length + " does not fit " + digestAlgorithm);
        }
    }

    /**
     * Refuses ECDH with a key that is not EC, and a peer key on another curve, off the curve or at
     * infinity (checked on the host: such a point must never reach the token — invalid-curve attack).
     *
     * @return the checked peer point as {@code 04‖X‖Y}
     */
    public static byte[] agreement(KeyType type, String name, ECPublicKey peer) {
        if (!type.isEc()) {
            throw HsmkitException.key("the " + type + " key " + name + " cannot do ECDH", "use an EC key");
        }
        return PeerPoints.uncompressed(peer, type);
    }
}
