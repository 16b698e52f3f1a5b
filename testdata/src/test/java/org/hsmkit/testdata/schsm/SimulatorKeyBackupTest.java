package org.hsmkit.testdata.schsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * WRAP KEY and UNWRAP KEY: the blob is checked against the documented format by code written
 * here from the format description (not the simulator's), then restored on another card.
 */
class SimulatorKeyBackupTest {
    private static final byte[] SHARE = HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");

    private static CardSession cardWithShare(byte[] share) {
        CardSession c = new CardSession(SmartCardHsmSimulator.builder().dkekShares(1).build());
        c.selectApplet();
        c.send(SimulatorPinAndFileTest.apdu("80520000", HexFormat.of().formatHex(share))).expect(0x9000);
        c.verify(SmartCardHsmSimulator.DEFAULT_USER_PIN).expect(0x9000);
        return c;
    }

    @Test
    void anEcKeyBlobHasTheDocumentedLayoutAndRestoresOnACardWithTheSameDkek() throws Exception {
        CardSession a = cardWithShare(SHARE);
        a.send(CardSession.extended(0x00, 0x46, 1, 0, SimulatorKeyTest.ecRequest(EcCurves.BRAINPOOLP256R1), true)).expect(0x9000);
        byte[] blob = a.send(CardSession.extended(0x80, 0x72, 1, 0x92, new byte[0], true)).expect(0x9000).data();
        ByteBuffer plain = open(blob, 12, "04007F00070202020203");
        assertEquals(256, Short.toUnsignedInt(plain.getShort()));
        EcCurves curve = EcCurves.BRAINPOOLP256R1;
        assertArrayEquals(curve.coefficientA(), field(plain));
        assertArrayEquals(curve.coefficientB(), field(plain));
        assertArrayEquals(curve.primeBytes(), field(plain));
        assertArrayEquals(curve.order(), field(plain));
        assertArrayEquals(curve.basePoint(), field(plain));
        BigInteger d = new BigInteger(1, field(plain));
        byte[] q = field(plain);
        ECPublicKey pub = (ECPublicKey) a.card.publicKey(1).orElseThrow();
        ECPoint expected = curve.domain().getG().multiply(d).normalize();
        assertArrayEquals(expected.getEncoded(false), q);
        assertEquals(pub.getW().getAffineX(), expected.getAffineXCoord().toBigInteger());

        CardSession b = cardWithShare(SHARE);
        b.send(CardSession.extended(0x80, 0x74, 9, 0x93, blob, false)).expect(0x9000);
        b.send(CardSession.extended(0x80, 0x74, 9, 0x93, blob, false)).expect(0x6A89);
        signsLike(b, 9, 0x70, pub, "SHA256withECDSA");

        byte[] other = SHARE.clone();
        other[0] = 1;
        CardSession c = cardWithShare(other);
        c.send(CardSession.extended(0x80, 0x74, 9, 0x93, blob, false)).expect(0x6A80);
        byte[] spoiled = blob.clone();
        spoiled[blob.length - 20] ^= 1;
        b.send(CardSession.extended(0x80, 0x74, 10, 0x93, spoiled, false)).expect(0x6A80);
    }

    @Test
    void anRsaKeyIsWrappedWithItsCrtComponents() throws Exception {
        CardSession a = cardWithShare(SHARE);
        a.send(CardSession.extended(0x00, 0x46, 2, 0, SimulatorKeyTest.rsaRequest(2048), true)).expect(0x9000);
        byte[] blob = a.send(CardSession.extended(0x80, 0x72, 2, 0x92, new byte[0], true)).expect(0x9000).data();
        ByteBuffer plain = open(blob, 6, "04007F00070202020102");
        assertEquals(2048, Short.toUnsignedInt(plain.getShort()));
        BigInteger dp = big(field(plain));
        BigInteger dq = big(field(plain));
        BigInteger p = big(field(plain));
        BigInteger qinv = big(field(plain));
        BigInteger q = big(field(plain));
        BigInteger n = big(field(plain));
        BigInteger e = big(field(plain));
        RSAPublicKey pub = (RSAPublicKey) a.card.publicKey(2).orElseThrow();
        assertEquals(pub.getModulus(), n);
        assertEquals(n, p.multiply(q));
        assertEquals(BigInteger.valueOf(65537), e);
        assertEquals(BigInteger.ONE, q.multiply(qinv).mod(p));
        assertEquals(e.modInverse(p.subtract(BigInteger.ONE)), dp);
        assertEquals(e.modInverse(q.subtract(BigInteger.ONE)), dq);

        CardSession b = cardWithShare(SHARE);
        b.send(CardSession.extended(0x80, 0x74, 3, 0x93, blob, false)).expect(0x9000);
        signsLike(b, 3, 0x33, pub, "SHA256withRSA");
    }

    @Test
    void wrappingNeedsThePinAndACompleteDkek() {
        CardSession a = cardWithShare(SHARE);
        a.send(CardSession.extended(0x00, 0x46, 1, 0, SimulatorKeyTest.ecRequest(EcCurves.SECP256R1), true)).expect(0x9000);
        a.selectApplet();
        a.send(CardSession.extended(0x80, 0x72, 1, 0x92, new byte[0], true)).expect(0x6982);
        CardSession pending = new CardSession(SmartCardHsmSimulator.builder().dkekShares(2).build());
        pending.selectApplet();
        pending.send(SimulatorPinAndFileTest.apdu("80520000", HexFormat.of().formatHex(SHARE))).expect(0x9000);
        pending.verify(SmartCardHsmSimulator.DEFAULT_USER_PIN).expect(0x9000);
        pending.send(CardSession.extended(0x00, 0x46, 1, 0, SimulatorKeyTest.ecRequest(EcCurves.SECP256R1), true)).expect(0x9000);
        pending.send(CardSession.extended(0x80, 0x72, 1, 0x92, new byte[0], true)).expect(0x6985);
    }

    private static void signsLike(CardSession card, int ref, int algo, PublicKey original, String jca) throws Exception {
        byte[] message = "restored".getBytes(StandardCharsets.US_ASCII);
        byte[] input = algo == 0x70 ? MessageDigest.getInstance("SHA-256").digest(message) : message;
        byte[] sig = card.send(CardSession.extended(0x80, 0x68, ref, algo, input, true)).expect(0x9000).data();
        Signature v = Signature.getInstance(jca, CvcSignatures.PROVIDER);
        v.initVerify(original);
        v.update(message);
        assertTrue(v.verify(sig), "the restored key signs like the original");
    }

    /**
     * Checks the clear part of a blob (KCV, type, default algorithm, three empty or given fields),
     * its CMAC, and returns the deciphered key part after the 8 random bytes.
     */
    private static ByteBuffer open(byte[] blob, int type, String oidHex) throws Exception {
        byte[] dkek = SHARE;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertArrayEquals(Arrays.copyOf(sha.digest(dkek), 8), Arrays.copyOf(blob, 8), "KCV");
        ByteBuffer b = ByteBuffer.wrap(blob);
        b.position(8);
        assertEquals(type, b.get());
        assertEquals(oidHex, HexFormat.of().withUpperCase().formatHex(field(b)));
        field(b); // allowed algorithms
        assertEquals(0, field(b).length, "access conditions");
        assertEquals(0, field(b).length, "key OID");
        int encStart = b.position();
        byte[] kmac = sha.digest(concat(dkek, new byte[] {0, 0, 0, 2}));
        CMac cmac = new CMac(AESEngine.newInstance());
        cmac.init(new KeyParameter(kmac));
        cmac.update(blob, 0, blob.length - 16);
        byte[] mac = new byte[16];
        cmac.doFinal(mac, 0);
        assertArrayEquals(mac, Arrays.copyOfRange(blob, blob.length - 16, blob.length), "CMAC");
        byte[] kenc = sha.digest(concat(dkek, new byte[] {0, 0, 0, 1}));
        Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kenc, "AES"), new IvParameterSpec(new byte[16]));
        byte[] plain = aes.doFinal(blob, encStart, blob.length - 16 - encStart);
        ByteBuffer p = ByteBuffer.wrap(plain);
        p.position(8);
        return p;
    }

    private static byte[] field(ByteBuffer b) {
        byte[] v = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(v);
        return v;
    }

    private static BigInteger big(byte[] v) {
        return new BigInteger(1, v);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return SimulatorKeyTest.concat(a, b);
    }
}
