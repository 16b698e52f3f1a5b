package org.hsmkit.core.internal.openpgp;

import java.security.PublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.PublicSubkeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKdfParameters;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyConverter;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.TokenKey;

/**
 * The OpenPGP (version 4) key packets of token keys. An RSA key is one packet whatever it does
 * (algorithm 1, RSA encrypt-or-sign); an EC key is an ECDSA packet when it signs and an ECDH
 * packet when it encrypts, so the same EC key gives two different fingerprints.
 */
public final class OpenPgpKeys {
    private OpenPgpKeys() {
    }

    /** The key as a subkey: the same key material in a public-subkey packet (tag 14). */
    public static PGPPublicKey asSubkey(PGPPublicKey key) {
        PublicKeyPacket p = key.getPublicKeyPacket();
        try {
            return new PGPPublicKey(new PublicSubkeyPacket(p.getVersion(), p.getAlgorithm(), p.getTime(), p.getKey()), Bc.fingerprints());
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key packet of {@code key} in the role given, created at {@code created}. */
    public static PGPPublicKey publicKey(TokenKey key, Instant created, boolean encryption) {
        KeyType type = key.type();
        PublicKey jca = key.publicKey();
        try {
            // reads the JCA key's own encoding; no provider work, so none is made
            JcaPGPKeyConverter converter = new JcaPGPKeyConverter();
            Date date = Date.from(created);
            if (type.isRsa()) {
                return converter.getPGPPublicKey(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.RSA_GENERAL, null, jca, date);
            }
            if (encryption) {
                PGPKdfParameters kdf = new PGPKdfParameters(hashTag(digestFor(type)), kekCipherFor(type));
                return converter.getPGPPublicKey(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.ECDH, kdf, jca, date);
            }
            return converter.getPGPPublicKey(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.ECDSA, null, jca, date);
        } catch (PGPException | RuntimeException e) {
            throw HsmkitException.key("cannot express the " + type + " key '" + key.label() + "' as an OpenPGP key: " + e.getMessage(),
                    "OpenPGP keys on the token are RSA 2048-4096, NIST P-256/384/521 or brainpool P256/384/512 keys");
        }
    }

    /** Curves the JDK's providers know; keys on others (brainpool, 25519) need Bouncy Castle's provider. */
    private static final Set<ASN1ObjectIdentifier> JDK_CURVES = Set.of(
            SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1,
            SECObjectIdentifiers.secp521r1);

    /** Whether verifying with or encrypting to {@code key} needs Bouncy Castle's JCA provider. */
    public static boolean needsBc(PGPPublicKey key) {
        int alg = key.getAlgorithm();
        if (alg == PublicKeyAlgorithmTags.RSA_GENERAL || alg == PublicKeyAlgorithmTags.RSA_SIGN || alg == PublicKeyAlgorithmTags.RSA_ENCRYPT) {
            return false;
        }
        if (alg == PublicKeyAlgorithmTags.ECDH) {
            return true; // the RFC 6637 agreement with its KDF is Bouncy Castle's
        }
        return !(key.getPublicKeyPacket().getKey() instanceof ECPublicBCPGKey)
                || !JDK_CURVES.contains(((ECPublicBCPGKey) key.getPublicKeyPacket().getKey()).getCurveOID());
    }

    /** A private key handle that only names the key; the signing itself goes to the token. */
    public static PGPPrivateKey handle(PGPPublicKey publicKey) {
        return new PGPPrivateKey(publicKey.getKeyID(), publicKey.getPublicKeyPacket(), null);
    }

    /**
     * The hash a key signs with: SHA-256 for RSA and 256-bit curves, SHA-384 and SHA-512 for the
     * larger curves (as GnuPG does; it wants a hash at least as long as the curve's order).
     */
    public static DigestAlgorithm digestFor(KeyType type) {
        if (type.isRsa() || type.bits() <= 256) {
            return DigestAlgorithm.SHA256;
        }
        return type.bits() <= 384 ? DigestAlgorithm.SHA384 : DigestAlgorithm.SHA512;
    }

    /** RFC 6637's key-encryption cipher for a curve: AES-128, -192, -256 by size. */
    static int kekCipherFor(KeyType type) {
        if (type.bits() <= 256) {
            return SymmetricKeyAlgorithmTags.AES_128;
        }
        return type.bits() <= 384 ? SymmetricKeyAlgorithmTags.AES_192 : SymmetricKeyAlgorithmTags.AES_256;
    }

    public static int hashTag(DigestAlgorithm digest) {
        switch (digest) {
            case SHA384:
                return HashAlgorithmTags.SHA384;
            case SHA512:
                return HashAlgorithmTags.SHA512;
            default:
                return HashAlgorithmTags.SHA256;
        }
    }

    /** The JCA name of an OpenPGP hash; SHA-1 and SHA-224 only for reading others' data. */
    public static String jcaHashName(int tag) {
        switch (tag) {
            case HashAlgorithmTags.SHA1:
                return "SHA-1";
            case HashAlgorithmTags.SHA224:
                return "SHA-224";
            case HashAlgorithmTags.SHA256:
                return "SHA-256";
            case HashAlgorithmTags.SHA384:
                return "SHA-384";
            case HashAlgorithmTags.SHA512:
                return "SHA-512";
            default:
                throw HsmkitException.input("unsupported OpenPGP hash algorithm " + tag, "hsmkit reads SHA-1 and SHA-2 hashes");
        }
    }

    /** An upper-case hexadecimal fingerprint or key id. */
    public static String hex(byte[] bytes) {
        return java.util.HexFormat.of().withUpperCase().formatHex(bytes);
    }

    public static String keyId(long id) {
        return String.format("%016X", id);
    }
}
