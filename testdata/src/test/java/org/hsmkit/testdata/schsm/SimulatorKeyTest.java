package org.hsmkit.testdata.schsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;

import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.asn1.DERNull;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Key generation, signatures, deciphering, use counters and algorithm lists of the simulator. */
class SimulatorKeyTest {
    private static final java.security.Provider BC = CvcSignatures.PROVIDER;
    private final CardSession s = new CardSession(new SmartCardHsmSimulator());

    @BeforeEach
    void login() {
        s.selectApplet();
        s.verify(SmartCardHsmSimulator.DEFAULT_USER_PIN).expect(0x9000);
    }

    /** A key generation request for an EC key as OpenSC builds it (profile, CAR, key template, CHR). */
    static byte[] ecRequest(EcCurves c, byte[]... extra) {
        byte[] template = Tlv.encode(0x7F49, Tlv.encode(0x06, CvcPublicKey.oidContent(CvcPublicKey.TA_ECDSA_SHA_256)),
                Tlv.encode(0x81, c.primeBytes()), Tlv.encode(0x82, c.coefficientA()), Tlv.encode(0x83, c.coefficientB()),
                Tlv.encode(0x84, c.basePoint()), Tlv.encode(0x85, c.order()), Tlv.encode(0x87, c.cofactor()));
        return request(template, extra);
    }

    static byte[] rsaRequest(int bits, byte[]... extra) {
        byte[] template = Tlv.encode(0x7F49, Tlv.encode(0x06, CvcPublicKey.oidContent(CvcPublicKey.TA_RSA_V1_5_SHA_256)),
                Tlv.encode(0x82, new byte[] {1, 0, 1}), Tlv.encode(0x02, BigInteger.valueOf(bits).toByteArray()));
        return request(template, extra);
    }

    private static byte[] request(byte[] template, byte[]... extra) {
        byte[] base = Tlv.encode(0x5F29, new byte[] {0});
        byte[][] parts = new byte[4 + extra.length][];
        parts[0] = base;
        parts[1] = Tlv.encode(0x42, "UTCA00001".getBytes(StandardCharsets.US_ASCII));
        parts[2] = template;
        parts[3] = Tlv.encode(0x5F20, "UTTM00001".getBytes(StandardCharsets.US_ASCII));
        System.arraycopy(extra, 0, parts, 4, extra.length);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private byte[] generate(int ref, byte[] request) {
        return s.send(CardSession.extended(0x00, 0x46, ref, 0x00, request, true)).expect(0x9000).data();
    }

    private byte[] sign(int ref, int algo, byte[] data) {
        return s.send(CardSession.extended(0x80, 0x68, ref, algo, data, true)).expect(0x9000).data();
    }

    @ParameterizedTest
    @EnumSource(value = EcCurves.class, names = {"SECP256R1", "SECP521R1", "BRAINPOOLP384R1"})
    void aGeneratedKeyComesAsARequestTheDeviceKeyAttests(EcCurves curve) {
        byte[] answer = generate(3, ecRequest(curve));
        checkAttestation(answer, s.card.publicKey(3).orElseThrow());
        ECPublicKey pub = (ECPublicKey) s.card.publicKey(3).orElseThrow();
        assertEquals(curve, CvcPublicKey.curveOf(pub));
    }

    @Test
    void anRsaKeyComesAsARequestToo() {
        byte[] answer = generate(4, rsaRequest(2048));
        checkAttestation(answer, s.card.publicKey(4).orElseThrow());
        assertEquals(2048, ((RSAPublicKey) s.card.publicKey(4).orElseThrow()).getModulus().bitLength());
    }

    /** 67 { 7F21 { 7F4E body, 5F37 signature by the new key }, 42 device CHR, 5F37 device signature }. */
    private void checkAttestation(byte[] answer, PublicKey newKey) {
        Tlv outer = Tlv.parseFirst(answer);
        assertEquals(0x67, outer.tag());
        List<Tlv> parts = outer.children();
        Tlv inner = parts.get(0);
        assertEquals(0x7F21, inner.tag());
        CvCertificate request = CvCertificate.parse(inner.encoded());
        assertEquals("UTCA00001", request.car());
        assertEquals("UTTM00001", request.chr());
        assertArrayEquals(newKey.getEncoded(), request.publicKey().getEncoded());
        assertTrue(request.signedBy(newKey), "inner signature by the new key");
        String outerCar = new String(parts.get(1).value(), StandardCharsets.US_ASCII);
        assertEquals(s.card.deviceChain().device().chr(), outerCar);
        byte[] signed = concat(inner.encoded(), parts.get(1).encoded());
        PublicKey device = s.card.deviceChain().device().publicKey();
        assertTrue(CvcSignatures.verify(device, signed, parts.get(2).value()), "outer signature by the device key");
        byte[] tampered = signed.clone();
        tampered[20] ^= 1;
        assertTrue(!CvcSignatures.verify(device, tampered, parts.get(2).value()));
    }

    @Test
    void ecKeysSignHashesFromTheHostAndHashOnTheCard() throws Exception {
        generate(1, ecRequest(EcCurves.SECP256R1));
        PublicKey pub = s.card.publicKey(1).orElseThrow();
        byte[] message = "the message".getBytes(StandardCharsets.US_ASCII);
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(message);
        Signature v = Signature.getInstance("SHA256withECDSA", BC);
        for (byte[] sig : new byte[][] {sign(1, 0x70, hash), sign(1, 0x73, message)}) {
            v.initVerify(pub);
            v.update(message);
            assertTrue(v.verify(sig), "DER ECDSA signature verifies");
        }
    }

    @Test
    void rsaKeysSignRawBlocksDigestInfosAndPss() throws Exception {
        generate(2, rsaRequest(2048));
        RSAPublicKey pub = (RSAPublicKey) s.card.publicKey(2).orElseThrow();
        byte[] message = "contract".getBytes(StandardCharsets.US_ASCII);
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(message);
        byte[] digestInfo = new DigestInfo(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE), hash)
                .getEncoded("DER");
        byte[] block = new byte[256];
        block[1] = 1;
        Arrays.fill(block, 2, 256 - digestInfo.length - 1, (byte) 0xFF);
        System.arraycopy(digestInfo, 0, block, 256 - digestInfo.length, digestInfo.length);
        Signature pkcs1 = Signature.getInstance("SHA256withRSA");
        for (byte[] sig : new byte[][] {sign(2, 0x20, block), sign(2, 0x30, digestInfo), sign(2, 0x33, message)}) {
            pkcs1.initVerify(pub);
            pkcs1.update(message);
            assertTrue(pkcs1.verify(sig));
        }
        Signature pss = Signature.getInstance("SHA256withRSAandMGF1", BC);
        for (byte[] sig : new byte[][] {sign(2, 0x40, hash), sign(2, 0x40, digestInfo), sign(2, 0x43, message)}) {
            pss.initVerify(pub);
            pss.update(message);
            assertTrue(pss.verify(sig), "PSS, SHA-256, MGF1-SHA-256, salt 32");
        }
    }

    @Test
    void rsaDecipherGivesTheRawBlockAndEcdhTheWholePoint() throws Exception {
        generate(2, rsaRequest(2048));
        Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.ENCRYPT_MODE, s.card.publicKey(2).orElseThrow());
        byte[] secret = "sixteen byte key".getBytes(StandardCharsets.US_ASCII);
        byte[] ct = rsa.doFinal(secret);
        byte[] raw = s.send(CardSession.extended(0x80, 0x62, 2, 0x21, ct, true)).expect(0x9000).data();
        assertEquals(256, raw.length);
        assertEquals(2, raw[1]);
        assertArrayEquals(secret, Arrays.copyOfRange(raw, 256 - 16, 256));
        assertArrayEquals(secret, s.send(CardSession.extended(0x80, 0x62, 2, 0x22, ct, true)).expect(0x9000).data());

        generate(5, ecRequest(EcCurves.BRAINPOOLP256R1));
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
        g.initialize(new ECGenParameterSpec("brainpoolP256r1"));
        KeyPair peer = g.generateKeyPair();
        byte[] peerPoint = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(peer.getPublic().getEncoded())
                .getPublicKeyData().getBytes();
        byte[] point = s.send(CardSession.extended(0x80, 0x62, 5, 0x80, peerPoint, true)).expect(0x9000).data();
        KeyAgreement ka = KeyAgreement.getInstance("ECDH", BC);
        ka.init(peer.getPrivate());
        ka.doPhase(s.card.publicKey(5).orElseThrow(), true);
        assertEquals(65, point.length);
        assertEquals(4, point[0]);
        assertArrayEquals(ka.generateSecret(), Arrays.copyOfRange(point, 1, 33));
        s.send(CardSession.extended(0x80, 0x62, 5, 0x80, new byte[65], true)).expect(0x6A80);
        s.send(CardSession.extended(0x80, 0x68, 5, 0x20, new byte[32], true)).expect(0x6A86);
        s.send(CardSession.extended(0x80, 0x68, 9, 0x70, new byte[32], true)).expect(0x6A88);
        s.send(CardSession.extended(0x80, 0x68, 0, 0x70, new byte[32], true)).expect(0x6985); // the device key
        s.send(CardSession.extended(0x00, 0x46, 0, 0x00, ecRequest(EcCurves.SECP256R1), true)).expect(0x6A86);
    }

    @Test
    void aKeyWithAUseCounterSignsThatOftenAndThenAnswers6984() {
        generate(7, ecRequest(EcCurves.SECP256R1, Tlv.encode(0x90, new byte[] {0, 0, 0, 2})));
        assertEquals(Optional.of(2L), s.card.usesLeft(7));
        sign(7, 0x70, new byte[32]);
        sign(7, 0x70, new byte[32]);
        assertEquals(Optional.of(0L), s.card.usesLeft(7));
        // 6984: what CardContact's PKCS#11 module reads as "key use counter expired"
        s.send(CardSession.extended(0x80, 0x68, 7, 0x70, new byte[32], true)).expect(0x6984);
        s.send(CardSession.extended(0x80, 0x62, 7, 0x80, new byte[65], true)).expect(0x6984);
        assertEquals(Optional.empty(), s.card.usesLeft(8));
    }

    @Test
    void theUseCounterIsReadableInTheKeyMetadataFileWhichGoesWithTheKey() {
        generate(7, ecRequest(EcCurves.SECP256R1, Tlv.encode(0x90, new byte[] {0, 0, 0, 3})));
        generate(8, ecRequest(EcCurves.SECP256R1));
        byte[] list = s.send("80580000 000000").expect(0x9000).data();
        assertTrue(contains(list, 0xCB, 7), "CB07 listed");
        assertFalse(contains(list, 0xCB, 8), "a key without counter or algorithm list has no metadata");
        sign(7, 0x70, new byte[32]);
        byte[] meta = s.send("00B1CB07 000004 54020000 0000").expect(0x9000).data();
        assertArrayEquals(Tlv.encode(0x90, new byte[] {0, 0, 0, 2}), meta);
        s.send("00E40200 02 CC07").expect(0x9000);
        s.send("00B1CB07 000004 54020000 0000").expect(0x6A82);
    }

    private static boolean contains(byte[] list, int prefix, int id) {
        for (int i = 0; i + 1 < list.length; i += 2) {
            if ((list[i] & 0xFF) == prefix && (list[i + 1] & 0xFF) == id) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anAlgorithmListRestrictsTheKey() {
        generate(8, ecRequest(EcCurves.SECP256R1, Tlv.encode(0x91, new byte[] {0x70})));
        sign(8, 0x70, new byte[32]);
        s.send(CardSession.extended(0x80, 0x68, 8, 0x73, new byte[5], true)).expect(0x6985);
    }

    @Test
    void keyOperationsNeedTheUserPin() {
        generate(1, ecRequest(EcCurves.SECP256R1));
        s.selectApplet();
        s.send(CardSession.extended(0x80, 0x68, 1, 0x70, new byte[32], true)).expect(0x6982);
        s.send(CardSession.extended(0x00, 0x46, 2, 0x00, ecRequest(EcCurves.SECP256R1), true)).expect(0x6982);
    }

    @Test
    void shortCommandsGetLongAnswersInPartsThroughGetResponse() {
        byte[] request = ecRequest(EcCurves.SECP256R1);
        byte[] shortApdu = new byte[5 + request.length + 1];
        System.arraycopy(HexFormat.of().parseHex("00460600"), 0, shortApdu, 0, 4);
        shortApdu[4] = (byte) request.length;
        System.arraycopy(request, 0, shortApdu, 5, request.length);
        CardSession.Answer first = s.send(shortApdu);
        assertEquals(0x61, first.sw() >>> 8);
        assertEquals(256, first.data().length);
        CardSession.Answer rest = s.send("00C00000 00").expect(0x9000);
        byte[] whole = concat(first.data(), rest.data());
        checkAttestation(whole, s.card.publicKey(6).orElseThrow());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
