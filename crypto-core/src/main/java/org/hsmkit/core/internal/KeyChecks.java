package org.hsmkit.core.internal;

import java.security.interfaces.ECPublicKey;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.internal.soft.KeyTypes;

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

    /** Refuses ECDH with a key that is not EC, or a peer key on another curve. */
    public static void agreement(KeyType type, String name, ECPublicKey peer) {
        if (!type.isEc()) {
            throw HsmkitException.key("the " + type + " key " + name + " cannot do ECDH", "use an EC key");
        }
        KeyType peerType;
        try {
            peerType = KeyTypes.of(peer);
        } catch (HsmkitException e) {
            throw HsmkitException.input("the peer key is on a curve hsmkit does not support", null, e);
        }
        if (peerType != type) {
            throw HsmkitException.input("the peer key is on " + peerType.curveName().orElse("?") + ", the key " + name
                    + " on " + type.curveName().orElse("?"), "ECDH needs both keys on the same curve");
        }
    }
}
