package org.hsmkit.testdata.schsm;

import java.io.IOException;
import java.math.BigInteger;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA224Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * SIGN (80 68, P1 key reference, P2 algorithm) and DECIPHER (80 62). Algorithm identifiers as
 * OpenSC's card-sc-hsm.h names them: 20 RSA raw, 21 RSA decrypt (raw), 22 RSA decrypt with
 * PKCS#1 v1.5 unpadding, 30 PKCS#1 v1.5 with a DigestInfo from the host, 31 to 35 PKCS#1 v1.5
 * hashing on the card (SHA-1, -224, -256, -384, -512), 40 PSS on a host hash, 41 to 45 PSS
 * hashing on the card, 70 ECDSA on a host hash, 71 to 75 ECDSA hashing on the card, 80 ECDH
 * (the answer is the whole point, 04 X Y). ECDSA signatures come DER encoded.
 */
final class KeyOperations {
    static final int RSA_RAW = 0x20;
    static final int RSA_DECRYPT = 0x21;
    static final int RSA_DECRYPT_PKCS1 = 0x22;
    static final int RSA_PKCS1 = 0x30;
    static final int RSA_PSS = 0x40;
    static final int EC_RAW = 0x70;
    static final int EC_DH = 0x80;
    private final CardState card;

    KeyOperations(CardState card) {
        this.card = card;
    }

    Response sign(Apdu a) {
        KeyEntry key = usableKey(a);
        int algo = a.p2();
        byte[] out;
        if (key.isRsa()) {
            out = switch (algo) {
                case RSA_RAW -> rsaRaw(key.rsa(), a.data());
                case RSA_PKCS1 -> pkcs1(key.rsa(), a.data());
                case 0x31, 0x32, 0x33, 0x34, 0x35 -> pkcs1(key.rsa(), digestInfo(algo & 0x0F, a.data()));
                case RSA_PSS -> pssOnHostHash(key.rsa(), a.data());
                case 0x41, 0x42, 0x43, 0x44, 0x45 -> pss(key.rsa(), digest(algo & 0x0F), hash(algo & 0x0F, a.data()));
                default -> throw Sw.fail(Sw.INCORRECT_P1P2, "algorithm " + Integer.toHexString(algo) + " for an RSA key");
            };
        } else {
            out = switch (algo) {
                case EC_RAW -> ecdsa(key, a.data());
                case 0x71, 0x72, 0x73, 0x74, 0x75 -> ecdsa(key, hash(algo & 0x0F, a.data()));
                default -> throw Sw.fail(Sw.INCORRECT_P1P2, "algorithm " + Integer.toHexString(algo) + " for an EC key");
            };
        }
        key.spendOneUse();
        return Response.ok(out);
    }

    Response decipher(Apdu a) {
        KeyEntry key = usableKey(a);
        int algo = a.p2();
        byte[] out;
        if (key.isRsa() && algo == RSA_DECRYPT) {
            out = rsaRaw(key.rsa(), a.data());
        } else if (key.isRsa() && algo == RSA_DECRYPT_PKCS1) {
            out = unpadPkcs1(rsaRaw(key.rsa(), a.data()));
        } else if (!key.isRsa() && algo == EC_DH) {
            out = ecdh(key, a.data());
        } else {
            throw Sw.fail(Sw.INCORRECT_P1P2, "algorithm " + Integer.toHexString(algo) + " does not decipher with this key");
        }
        key.spendOneUse();
        return Response.ok(out);
    }

    /** The key of P1, after the checks every key operation makes: PIN, algorithm list (P2), use counter. */
    private KeyEntry usableKey(Apdu a) {
        card.requireUserPin();
        KeyEntry key = card.key(a.p1());
        checkAllowed(key, a.p2());
        key.refuseIfSpent();
        return key;
    }

    private static void checkAllowed(KeyEntry key, int algo) {
        if (!key.allows(algo)) {
            throw Sw.fail(Sw.CONDITIONS_NOT_SATISFIED, "algorithm " + Integer.toHexString(algo) + " is not allowed for this key");
        }
    }

    static byte[] rsaRaw(RSAPrivateCrtKey key, byte[] input) {
        int k = (key.getModulus().bitLength() + 7) / 8;
        BigInteger m = new BigInteger(1, input);
        if (input.length > k || m.compareTo(key.getModulus()) >= 0) {
            throw Sw.fail(Sw.WRONG_DATA, "input does not fit the modulus");
        }
        RSABlindedEngine engine = new RSABlindedEngine();
        engine.init(true, new ParametersWithRandom(params(key), new java.security.SecureRandom()));
        byte[] block = BigIntegers.asUnsignedByteArray(k, m);
        byte[] out = engine.processBlock(block, 0, block.length);
        return BigIntegers.asUnsignedByteArray(k, new BigInteger(1, out));
    }

    static RSAPrivateCrtKeyParameters params(RSAPrivateCrtKey k) {
        return new RSAPrivateCrtKeyParameters(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient());
    }

    private static byte[] pkcs1(RSAPrivateCrtKey key, byte[] digestInfo) {
        int k = (key.getModulus().bitLength() + 7) / 8;
        if (digestInfo.length > k - 11) {
            throw Sw.fail(Sw.WRONG_DATA, "DigestInfo too long for the key");
        }
        byte[] block = new byte[k];
        block[1] = 0x01;
        Arrays.fill(block, 2, k - digestInfo.length - 1, (byte) 0xFF);
        System.arraycopy(digestInfo, 0, block, k - digestInfo.length, digestInfo.length);
        return rsaRaw(key, block);
    }

    /** PSS on a hash from the host: a bare hash (its length names the algorithm) or a DigestInfo, as OpenSC sends. */
    private static byte[] pssOnHostHash(RSAPrivateCrtKey key, byte[] input) {
        try {
            DigestInfo info = DigestInfo.getInstance(input);
            ASN1ObjectIdentifier oid = info.getAlgorithmId().getAlgorithm();
            int code = oid.equals(OIWObjectIdentifiers.idSHA1) ? 1 : oid.equals(NISTObjectIdentifiers.id_sha224) ? 2
                    : oid.equals(NISTObjectIdentifiers.id_sha256) ? 3 : oid.equals(NISTObjectIdentifiers.id_sha384) ? 4
                    : oid.equals(NISTObjectIdentifiers.id_sha512) ? 5 : 0;
            if (code == 0) {
                throw Sw.fail(Sw.WRONG_DATA, "hash " + oid + " in the DigestInfo");
            }
            return pss(key, digest(code), info.getDigest());
        } catch (IllegalArgumentException e) {
            return pss(key, digestByLength(input.length), input);
        }
    }

    private static byte[] pss(RSAPrivateCrtKey key, Digest digest, byte[] hash) {
        if (hash.length != digest.getDigestSize()) {
            throw Sw.fail(Sw.WRONG_DATA, "hash length " + hash.length);
        }
        PSSSigner signer = PSSSigner.createRawSigner(new RSABlindedEngine(), digest, digest, digest.getDigestSize(),
                PSSSigner.TRAILER_IMPLICIT);
        signer.init(true, new ParametersWithRandom(params(key), new java.security.SecureRandom()));
        signer.update(hash, 0, hash.length);
        try {
            return signer.generateSignature();
        } catch (CryptoException e) {
            throw Sw.fail(Sw.WRONG_DATA, e.getMessage());
        }
    }

    private static byte[] ecdsa(KeyEntry key, byte[] hash) {
        ECDSASigner signer = new ECDSASigner();
        signer.init(true, new ParametersWithRandom(
                new ECPrivateKeyParameters(key.ec().getS(), key.curve().domain()), new java.security.SecureRandom()));
        BigInteger[] rs = signer.generateSignature(hash);
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(rs[0]));
        v.add(new ASN1Integer(rs[1]));
        try {
            return new DERSequence(v).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ecdh(KeyEntry key, byte[] peerPoint) {
        EcCurves curve = key.curve();
        ECPoint q;
        try {
            q = curve.decodePoint(peerPoint);
        } catch (IllegalArgumentException e) {
            throw Sw.fail(Sw.WRONG_DATA, "not a point on " + curve.curveName());
        }
        ECPoint shared = q.multiply(key.ec().getS()).normalize();
        if (shared.isInfinity()) {
            throw Sw.fail(Sw.WRONG_DATA, "ECDH gave the point at infinity");
        }
        return shared.getEncoded(false);
    }

    private static byte[] unpadPkcs1(byte[] block) {
        if (block[0] != 0 || block[1] != 2) {
            throw Sw.fail(Sw.WRONG_DATA, "not PKCS#1 v1.5 encryption padding");
        }
        int i = 2;
        while (i < block.length && block[i] != 0) {
            i++;
        }
        if (i < 10 || i == block.length) {
            throw Sw.fail(Sw.WRONG_DATA, "bad PKCS#1 v1.5 padding");
        }
        return Arrays.copyOfRange(block, i + 1, block.length);
    }

    /** The digest for code 1 to 5: SHA-1, SHA-224, SHA-256, SHA-384, SHA-512. */
    static Digest digest(int code) {
        return switch (code) {
            case 1 -> new SHA1Digest();
            case 2 -> new SHA224Digest();
            case 3 -> new SHA256Digest();
            case 4 -> new SHA384Digest();
            case 5 -> new SHA512Digest();
            default -> throw Sw.fail(Sw.INCORRECT_P1P2, "no hash " + code);
        };
    }

    private static Digest digestByLength(int length) {
        return switch (length) {
            case 20 -> new SHA1Digest();
            case 28 -> new SHA224Digest();
            case 32 -> new SHA256Digest();
            case 48 -> new SHA384Digest();
            case 64 -> new SHA512Digest();
            default -> throw Sw.fail(Sw.WRONG_DATA, "no hash is " + length + " bytes long");
        };
    }

    private static byte[] hash(int code, byte[] data) {
        Digest d = digest(code);
        d.update(data, 0, data.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    private static byte[] digestInfo(int code, byte[] data) {
        ASN1ObjectIdentifier oid = switch (code) {
            case 1 -> OIWObjectIdentifiers.idSHA1;
            case 2 -> NISTObjectIdentifiers.id_sha224;
            case 3 -> NISTObjectIdentifiers.id_sha256;
            case 4 -> NISTObjectIdentifiers.id_sha384;
            default -> NISTObjectIdentifiers.id_sha512;
        };
        try {
            return new DigestInfo(new AlgorithmIdentifier(oid, DERNull.INSTANCE), hash(code, data)).getEncoded("DER");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
