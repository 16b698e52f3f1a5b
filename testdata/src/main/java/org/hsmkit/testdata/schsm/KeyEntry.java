package org.hsmkit.testdata.schsm;

import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;

/**
 * A key in the simulated card: the key pair, the algorithms it may be used with (empty: all
 * that fit its type) and its use counter (-1: unlimited).
 */
final class KeyEntry {
    final KeyPair pair;
    final byte[] algorithms;
    long usesLeft;

    KeyEntry(KeyPair pair, byte[] algorithms, long usesLeft) {
        this.pair = pair;
        this.algorithms = algorithms == null ? new byte[0] : algorithms.clone();
        this.usesLeft = usesLeft;
    }

    boolean isRsa() {
        return pair.getPrivate() instanceof RSAPrivateCrtKey;
    }

    RSAPrivateCrtKey rsa() {
        return (RSAPrivateCrtKey) pair.getPrivate();
    }

    ECPrivateKey ec() {
        return (ECPrivateKey) pair.getPrivate();
    }

    EcCurves curve() {
        return CvcPublicKey.curveOf((java.security.interfaces.ECPublicKey) pair.getPublic());
    }

    /** Modulus or field size in bytes. */
    int sizeBytes() {
        return isRsa() ? (rsa().getModulus().bitLength() + 7) / 8 : curve().fieldBytes();
    }

    boolean allows(int algorithm) {
        if (algorithms.length == 0) {
            return true;
        }
        for (byte a : algorithms) {
            if ((a & 0xFF) == algorithm) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses a key whose use counter is spent (6984, which CardContact's PKCS#11 module reads as
     * "key use counter expired"), else counts one use.
     */
    void spendOneUse() {
        if (usesLeft == 0) {
            throw Sw.fail(Sw.REFERENCE_DATA_NOT_USABLE, "the key use counter is 0");
        }
        if (usesLeft > 0) {
            usesLeft--;
        }
    }

    /** The key's metadata file CBxx: use counter (90, four bytes) and algorithm list (91), or null when it has neither. */
    byte[] metadata() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (usesLeft >= 0) {
            out.writeBytes(Tlv.encode(0x90, new byte[] {(byte) (usesLeft >>> 24), (byte) (usesLeft >>> 16),
                (byte) (usesLeft >>> 8), (byte) usesLeft}));
        }
        if (algorithms.length > 0) {
            out.writeBytes(Tlv.encode(0x91, algorithms));
        }
        return out.size() == 0 ? null : out.toByteArray();
    }

    void refuseIfSpent() {
        if (usesLeft == 0) {
            throw Sw.fail(Sw.REFERENCE_DATA_NOT_USABLE, "the key use counter is 0");
        }
    }
}
