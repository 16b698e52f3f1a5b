package org.hsmkit.testdata.schsm;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAKey;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Signatures as card verifiable certificates carry them: ECDSA with SHA-256 in the plain format
 * (r and s, each the length of the order, BSI TR-03111), RSA PKCS#1 v1.5 with SHA-256. Bouncy
 * Castle's provider does the work (the JDK no longer signs on brainpool curves).
 */
public final class CvcSignatures {
    /** One Bouncy Castle provider instance for the simulator and the CVC helpers (not registered). */
    public static final Provider PROVIDER = new BouncyCastleProvider();

    private CvcSignatures() {
    }

    /** Signs {@code data} with SHA-256 (plain ECDSA for EC keys, PKCS#1 v1.5 for RSA keys). */
    public static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance(algorithm(key instanceof RSAKey), PROVIDER);
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with a " + key.getAlgorithm() + " key", e);
        }
    }

    /** True when {@code signature} is {@code key}'s signature of {@code data}. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(algorithm(key instanceof RSAKey), PROVIDER);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String algorithm(boolean rsa) {
        return rsa ? "SHA256withRSA" : "SHA256withPLAIN-ECDSA";
    }
}
