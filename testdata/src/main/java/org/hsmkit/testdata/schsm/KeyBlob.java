package org.hsmkit.testdata.schsm;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;

import org.bouncycastle.crypto.BufferedBlockCipher;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.jce.spec.ECPrivateKeySpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * The key blob of WRAP KEY / UNWRAP KEY, as CardContact documents it and sc-hsm-tool stores it:
 *
 * <pre>
 * KCV (8: SHA-256 of the DKEK, first 8 bytes) | key type (1: 5 RSA, 6 RSA CRT, 12 EC, 15 AES)
 * | length (2) + default algorithm OID | length (2) + allowed algorithms | length (2) + access
 * conditions | length (2) + key OID | AES-256-CBC (IV zero, key Kenc) of:
 *     8 random bytes | key size (2) | key components, each length (2) + value | ISO padding
 * | AES-256 CMAC (16, key Kmac) of everything before
 * </pre>
 *
 * with Kenc = SHA-256(DKEK | 00000001) and Kmac = SHA-256(DKEK | 00000002). RSA CRT components:
 * dP, dQ, p, qInv, q, modulus, public exponent; EC components: A, B, prime, order, base point,
 * private value, public point.
 */
final class KeyBlob {
    static final int RSA = 5;
    static final int RSA_CRT = 6;
    static final int EC = 12;

    private KeyBlob() {
    }

    static byte[] wrap(KeyEntry key, byte[] dkek, byte[] random8) {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        plain.writeBytes(random8);
        int type;
        byte[] defaultAlgorithm;
        if (key.isRsa()) {
            RSAPrivateCrtKey k = key.rsa();
            type = RSA_CRT;
            defaultAlgorithm = CvcPublicKey.oidContent(CvcPublicKey.TA_RSA_V1_5_SHA_256);
            short16(plain, k.getModulus().bitLength());
            for (BigInteger v : new BigInteger[] {k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getPrimeP(),
                k.getCrtCoefficient(), k.getPrimeQ(), k.getModulus(), k.getPublicExponent()}) {
                field(plain, BigIntegers.asUnsignedByteArray(v));
            }
        } else {
            EcCurves c = key.curve();
            type = EC;
            defaultAlgorithm = CvcPublicKey.oidContent(CvcPublicKey.TA_ECDSA_SHA_256);
            short16(plain, c.fieldBits());
            field(plain, c.coefficientA());
            field(plain, c.coefficientB());
            field(plain, c.primeBytes());
            field(plain, c.order());
            field(plain, c.basePoint());
            field(plain, BigIntegers.asUnsignedByteArray(c.fieldBytes(), key.ec().getS()));
            field(plain, org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(key.pair.getPublic().getEncoded())
                    .getPublicKeyData().getBytes());
        }
        plain.write(0x80);
        while (plain.size() % 16 != 0) {
            plain.write(0);
        }
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        blob.writeBytes(kcv(dkek));
        blob.write(type);
        field(blob, defaultAlgorithm);
        field(blob, key.algorithms);
        field(blob, new byte[0]);
        field(blob, new byte[0]);
        blob.writeBytes(cbc(true, derive(dkek, 1), plain.toByteArray()));
        blob.writeBytes(cmac(derive(dkek, 2), blob.toByteArray()));
        return blob.toByteArray();
    }

    /** What an unwrapped blob holds. */
    record Unwrapped(KeyPair pair, byte[] algorithms) {
    }

    static Unwrapped unwrap(byte[] blob, byte[] dkek) {
        if (blob.length < 8 + 1 + 8 + 16 + 16) {
            throw Sw.fail(Sw.WRONG_DATA, "key blob too short");
        }
        if (!MessageDigest.isEqual(Arrays.copyOf(blob, 8), kcv(dkek))) {
            throw Sw.fail(Sw.WRONG_DATA, "key blob for another DKEK (key check value differs)");
        }
        byte[] mac = cmac(derive(dkek, 2), Arrays.copyOf(blob, blob.length - 16));
        if (!MessageDigest.isEqual(mac, Arrays.copyOfRange(blob, blob.length - 16, blob.length))) {
            throw Sw.fail(Sw.WRONG_DATA, "key blob MAC does not verify");
        }
        int type = blob[8] & 0xFF;
        int[] pos = {9};
        field(blob, pos); // default algorithm
        byte[] algorithms = field(blob, pos);
        field(blob, pos); // access conditions
        field(blob, pos); // key OID
        int encLength = blob.length - 16 - pos[0];
        if (encLength <= 0 || encLength % 16 != 0) {
            throw Sw.fail(Sw.WRONG_DATA, "key blob cipher text is not whole blocks");
        }
        byte[] plain = cbc(false, derive(dkek, 1), Arrays.copyOfRange(blob, pos[0], pos[0] + encLength));
        int[] p = {10};
        try {
            KeyPair pair = switch (type) {
                case RSA_CRT -> rsaCrt(plain, p);
                case EC -> ec(plain, p);
                default -> throw Sw.fail(Sw.WRONG_DATA, "key type " + type + " is not supported");
            };
            return new Unwrapped(pair, algorithms);
        } catch (GeneralSecurityException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw Sw.fail(Sw.WRONG_DATA, "key blob content: " + e.getMessage());
        }
    }

    private static KeyPair rsaCrt(byte[] b, int[] p) throws GeneralSecurityException {
        BigInteger dp = big(field(b, p));
        BigInteger dq = big(field(b, p));
        BigInteger prime1 = big(field(b, p));
        BigInteger qinv = big(field(b, p));
        BigInteger prime2 = big(field(b, p));
        BigInteger n = big(field(b, p));
        BigInteger e = big(field(b, p));
        BigInteger d = e.modInverse(prime1.subtract(BigInteger.ONE).multiply(prime2.subtract(BigInteger.ONE)));
        KeyFactory f = KeyFactory.getInstance("RSA");
        return new KeyPair(f.generatePublic(new RSAPublicKeySpec(n, e)),
                f.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, prime1, prime2, dp, dq, qinv)));
    }

    private static KeyPair ec(byte[] b, int[] p) throws GeneralSecurityException {
        field(b, p); // A
        field(b, p); // B
        EcCurves curve = EcCurves.byPrime(field(b, p)).orElseThrow(() -> new IllegalArgumentException("unknown curve"));
        field(b, p); // order
        field(b, p); // base point
        BigInteger d = big(field(b, p));
        ECPoint q = curve.domain().getG().multiply(d).normalize();
        org.bouncycastle.jce.spec.ECParameterSpec spec = org.bouncycastle.jce.ECNamedCurveTable.getParameterSpec(curve.curveName());
        KeyFactory f = KeyFactory.getInstance("EC", CvcSignatures.PROVIDER);
        ECPublicKey pub = (ECPublicKey) f.generatePublic(new ECPublicKeySpec(spec.getCurve().decodePoint(q.getEncoded(false)), spec));
        return new KeyPair(pub, f.generatePrivate(new ECPrivateKeySpec(d, spec)));
    }

    static byte[] kcv(byte[] dkek) {
        return Arrays.copyOf(sha256(dkek), 8);
    }

    static byte[] derive(byte[] dkek, int counter) {
        byte[] in = Arrays.copyOf(dkek, dkek.length + 4);
        in[in.length - 1] = (byte) counter;
        return sha256(in);
    }

    private static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] cbc(boolean encrypt, byte[] key, byte[] data) {
        return cbcWithIv(encrypt, key, new byte[16], data);
    }

    /** AES-CBC without padding (the data is whole blocks). */
    static byte[] cbcWithIv(boolean encrypt, byte[] key, byte[] iv, byte[] data) {
        BufferedBlockCipher c = new BufferedBlockCipher(CBCBlockCipher.newInstance(AESEngine.newInstance()));
        c.init(encrypt, new org.bouncycastle.crypto.params.ParametersWithIV(new KeyParameter(key), iv));
        byte[] out = new byte[c.getOutputSize(data.length)];
        int n = c.processBytes(data, 0, data.length, out, 0);
        try {
            c.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static byte[] cmac(byte[] key, byte[] data) {
        CMac mac = new CMac(AESEngine.newInstance());
        mac.init(new KeyParameter(key));
        mac.update(data, 0, data.length);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }

    private static void short16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void field(ByteArrayOutputStream out, byte[] v) {
        short16(out, v.length);
        out.writeBytes(v);
    }

    private static byte[] field(byte[] b, int[] pos) {
        int len = ((b[pos[0]] & 0xFF) << 8) | (b[pos[0] + 1] & 0xFF);
        byte[] v = Arrays.copyOfRange(b, pos[0] + 2, pos[0] + 2 + len);
        if (pos[0] + 2 + len > b.length) {
            throw new IllegalArgumentException("field runs past the end");
        }
        pos[0] += 2 + len;
        return v;
    }

    private static BigInteger big(byte[] v) {
        return new BigInteger(1, v);
    }
}
