package org.hsmkit.core.internal.openpgp;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.bcpg.AEADEncDataPacket;
import org.bouncycastle.bcpg.ECDHPublicBCPGKey;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricEncIntegrityPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC3394WrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.operator.AbstractPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.PGPDataDecryptor;
import org.bouncycastle.openpgp.operator.PGPPad;
import org.bouncycastle.openpgp.operator.RFC6637Utils;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.Providers;

/**
 * Recovers an OpenPGP session key with one private-key operation on the token: an RSA decryption
 * (PKCS#1 v1.5, as OpenPGP encrypts) or, for ECDH, the point multiplication with the sender's
 * ephemeral key ({@link TokenKey#agree}); the RFC 6637 KDF and the AES key unwrap run on the host.
 * Only session keys are recovered here; the message itself is decrypted with the session key.
 */
public final class TokenSessionKeyRecovery extends AbstractPublicKeyDataDecryptorFactory {
    private final TokenKey key;
    private final PGPPublicKey recipient;

    /** @param recipient the key packet the message was encrypted to (its fingerprint enters the ECDH KDF) */
    public TokenSessionKeyRecovery(TokenKey key, PGPPublicKey recipient) {
        this.key = key;
        this.recipient = recipient;
    }

    @Override
    public byte[] recoverSessionData(int keyAlgorithm, byte[][] secKeyData) throws PGPException {
        return recoverSessionData(keyAlgorithm, secKeyData, 3);
    }

    @Override
    public byte[] recoverSessionData(int keyAlgorithm, byte[][] secKeyData, int pkeskVersion) throws PGPException {
        if (keyAlgorithm == PublicKeyAlgorithmTags.ECDH) {
            return ecdh(secKeyData[0]);
        }
        if (keyAlgorithm == PublicKeyAlgorithmTags.RSA_GENERAL || keyAlgorithm == PublicKeyAlgorithmTags.RSA_ENCRYPT) {
            return rsa(secKeyData[0]);
        }
        throw new PGPException("public-key algorithm " + keyAlgorithm + " is not one a token key decrypts");
    }

    private byte[] rsa(byte[] mpi) {
        if (!key.type().isRsa()) {
            throw HsmkitException.input("the message is encrypted with RSA to an EC key", "the file is damaged");
        }
        int modulusBytes = (((RSAPublicKey) key.publicKey()).getModulus().bitLength() + 7) / 8;
        int len = mpi.length - 2;
        if (len <= 0 || len > modulusBytes) {
            throw HsmkitException.input("the encrypted session key does not fit the RSA key", "the file is damaged");
        }
        // MPIs drop leading zeros; the token wants exactly the modulus length
        byte[] block = new byte[modulusBytes];
        System.arraycopy(mpi, 2, block, modulusBytes - len, len);
        return key.decrypt(RsaPadding.PKCS1, block);
    }

    private byte[] ecdh(byte[] enc) throws PGPException {
        if (!key.type().isEc()) {
            throw HsmkitException.input("the message is encrypted with ECDH to an RSA key", "the file is damaged");
        }
        ECDHPublicBCPGKey params = (ECDHPublicBCPGKey) recipient.getPublicKeyPacket().getKey();
        if (enc.length < 3) {
            throw new PGPException("encoded length out of range");
        }
        int pointLen = ((((enc[0] & 0xff) << 8) | (enc[1] & 0xff)) + 7) / 8;
        if (2 + pointLen + 1 > enc.length) {
            throw new PGPException("encoded length out of range");
        }
        int wrappedLen = enc[2 + pointLen] & 0xff;
        if (2 + pointLen + 1 + wrappedLen != enc.length) {
            throw new PGPException("encoded length out of range");
        }
        byte[] point = Arrays.copyOfRange(enc, 2, 2 + pointLen);
        byte[] wrapped = Arrays.copyOfRange(enc, 3 + pointLen, enc.length);
        byte[] shared = key.agree(ephemeral(point, params));
        byte[] kek = null;
        try {
            byte[] ukm = RFC6637Utils.createUserKeyingMaterial(recipient.getPublicKeyPacket(), new JcaKeyFingerprintCalculator());
            kek = kdf(params.getHashAlgorithm(), shared, ukm, kekBytes(params.getSymmetricKeyAlgorithm()));
            RFC3394WrapEngine unwrap = new RFC3394WrapEngine(AESEngine.newInstance());
            unwrap.init(false, new KeyParameter(kek));
            return PGPPad.unpadSessionData(unwrap.unwrap(wrapped, 0, wrapped.length));
        } catch (InvalidCipherTextException e) {
            throw HsmkitException.verification("the session key does not unwrap with this key",
                    "the file was altered, or was encrypted to another key");
        } catch (IOException e) {
            throw new PGPException("cannot encode the key parameters: " + e.getMessage(), e);
        } finally {
            Arrays.fill(shared, (byte) 0);
            if (kek != null) {
                Arrays.fill(kek, (byte) 0);
            }
        }
    }

    /** The sender's ephemeral point as a JCA key on the recipient's curve (checked to be on it). */
    private ECPublicKey ephemeral(byte[] encodedPoint, ECDHPublicBCPGKey params) {
        X9ECParameters curve = ECNamedCurveTable.getByOID(params.getCurveOID());
        if (curve == null) {
            throw HsmkitException.input("unknown curve " + params.getCurveOID(), "the file is damaged");
        }
        org.bouncycastle.math.ec.ECPoint p;
        try {
            p = curve.getCurve().decodePoint(encodedPoint).normalize();
        } catch (IllegalArgumentException e) {
            throw HsmkitException.input("the sender's ephemeral key is not a point on the curve", "the file is damaged");
        }
        if (p.isInfinity() || !p.isValid()) {
            throw HsmkitException.input("the sender's ephemeral key is not a valid point", "the file is damaged");
        }
        try {
            ECParameterSpec spec = ((ECPublicKey) key.publicKey()).getParams();
            ECPoint w = new ECPoint(p.getAffineXCoord().toBigInteger(), p.getAffineYCoord().toBigInteger());
            KeyFactory kf;
            try {
                kf = KeyFactory.getInstance("EC");
                return (ECPublicKey) kf.generatePublic(new ECPublicKeySpec(w, spec));
            } catch (GeneralSecurityException e) {
                kf = KeyFactory.getInstance("EC", Providers.bc());
                return (ECPublicKey) kf.generatePublic(new ECPublicKeySpec(w, spec));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 6637 section 7: Hash(00 00 00 01 || Z || Param), truncated to the key length. */
    private static byte[] kdf(int hashTag, byte[] z, byte[] param, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance(OpenPgpKeys.jcaHashName(hashTag));
            md.update(new byte[] {0, 0, 0, 1});
            md.update(z);
            md.update(param);
            byte[] h = md.digest();
            if (h.length < length) {
                throw HsmkitException.input("the KDF hash is too short for the key-encryption key", "the key is malformed");
            }
            byte[] out = Arrays.copyOf(h, length);
            Arrays.fill(h, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int kekBytes(int symAlg) {
        switch (symAlg) {
            case SymmetricKeyAlgorithmTags.AES_128:
                return 16;
            case SymmetricKeyAlgorithmTags.AES_192:
                return 24;
            case SymmetricKeyAlgorithmTags.AES_256:
                return 32;
            default:
                throw HsmkitException.input("unsupported ECDH key-encryption cipher " + symAlg, "the key's KDF parameters name AES-128, -192 or -256");
        }
    }

    @Override
    public PGPDataDecryptor createDataDecryptor(boolean withIntegrityPacket, int encAlgorithm, byte[] key) {
        throw new UnsupportedOperationException("session keys only");
    }

    @Override
    public PGPDataDecryptor createDataDecryptor(AEADEncDataPacket aeadEncDataPacket, PGPSessionKey sessionKey) {
        throw new UnsupportedOperationException("session keys only");
    }

    @Override
    public PGPDataDecryptor createDataDecryptor(SymmetricEncIntegrityPacket seipd, PGPSessionKey sessionKey) {
        throw new UnsupportedOperationException("session keys only");
    }
}
