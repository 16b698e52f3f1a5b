package org.hsmkit.testdata.schsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * The device certificate chain and chip authentication, run as a host would: read EF.C_DevAut,
 * check the chain up to the test root, then MSE SET AT and GENERAL AUTHENTICATE with an
 * ephemeral key, and check the card's authentication token with keys derived on the host side
 * (written here from BSI TR-03110, not taken from the simulator). Then secure messaging.
 */
class SimulatorDeviceAuthenticationTest {
    private static final String CA_OID = "04007F00070202030202";

    @Test
    void theChainLeadsToTheTestRoot() {
        SmartCardHsmSimulator card = new SmartCardHsmSimulator();
        CardSession s = new CardSession(card);
        s.selectApplet();
        byte[] devAut = s.send(HexFormat.of().parseHex("00B12F02000004540200000000")).expect(0x9000).data();
        List<CvCertificate> chain = CvCertificate.parseAll(devAut);
        assertEquals(2, chain.size());
        CvCertificate device = chain.get(0);
        CvCertificate issuer = chain.get(1);
        CvCertificate root = DeviceChain.testRoot();
        assertEquals(DeviceChain.TEST_ROOT_CHR, root.chr());
        assertTrue(root.signedBy(root.publicKey()), "the test root is self-signed");
        assertEquals(root.chr(), issuer.car());
        assertEquals(issuer.chr(), device.car());
        assertTrue(issuer.signedBy(root.publicKey()));
        assertTrue(device.signedBy(issuer.publicKey()));
        assertEquals(card.serial(), device.chr().substring(0, device.chr().length() - 5));
        assertTrue(device.expiry().orElseThrow().isAfter(LocalDate.now()));
        assertFalse(device.signedBy(root.publicKey()), "the device is certified by the issuer CA, not the root");
    }

    @Test
    void chainsForNegativeTestsAreTamperedExpiredOrUnderAnotherRoot() {
        DeviceChain tampered = DeviceChain.builder().tamperDeviceSignature().build();
        assertFalse(tampered.device().signedBy(tampered.issuer().publicKey()));
        DeviceChain expired = DeviceChain.builder().deviceValidity(LocalDate.now().minusYears(3), LocalDate.now().minusDays(1)).build();
        assertTrue(expired.device().expiry().orElseThrow().isBefore(LocalDate.now()));
        assertTrue(expired.device().signedBy(expired.issuer().publicKey()));
        KeyPair otherRootKey = DeviceChain.newDeviceKey();
        CvCertificate otherRoot = DeviceChain.selfSignedRoot("UTOTHERRT00001", otherRootKey);
        DeviceChain foreign = DeviceChain.builder().root(otherRootKey.getPrivate(), otherRoot).build();
        assertTrue(foreign.issuer().signedBy(otherRoot.publicKey()));
        assertFalse(foreign.issuer().signedBy(DeviceChain.testRootPublicKey()));
    }

    @Test
    void chipAuthenticationProvesTheDeviceKeyAndSecureMessagingFollows() throws Exception {
        SmartCardHsmSimulator card = new SmartCardHsmSimulator();
        CardSession s = new CardSession(card);
        s.selectApplet();
        Host host = Host.authenticate(s, card.deviceChain().device().publicKey());
        assertTrue(host.tokenMatches, "the card's token matches the one computed with the certified device key");

        // VERIFY status in secure messaging: case 1, the MAC covers the padded header alone
        byte[] status = host.protect(0x20, 0x00, 0x81, new byte[0], 0);
        CardSession.Answer r = s.send(status);
        assertEquals(0x63C3, r.sw());
        assertArrayEquals(HexFormat.of().parseHex("990263C3"), Arrays.copyOf(r.data(), 4));
        assertTrue(host.responseMacOk(r.data()));

        byte[] challenge = host.protect(0x84, 0x00, 0x00, new byte[0], 8);
        CardSession.Answer c = s.send(challenge).expect(0x9000);
        assertTrue(host.responseMacOk(c.data()));
        assertEquals(8, host.decrypt(c.data()).length);

        // a spoiled MAC ends secure messaging; plain commands work again
        byte[] spoiled = host.protect(0x20, 0x00, 0x81, new byte[0], 0);
        spoiled[spoiled.length - 2] ^= 1; // the last MAC byte (Le follows)
        s.send(spoiled).expect(0x6988);
        s.send("00200081").expect(0x63C3);
    }

    @Test
    void aCardWithAnotherKeyThanItsCertificateCannotMakeTheToken() throws Exception {
        SmartCardHsmSimulator card = SmartCardHsmSimulator.builder()
                .deviceChain(DeviceChain.builder().foreignDeviceKey().build()).build();
        CardSession s = new CardSession(card);
        s.selectApplet();
        Host host = Host.authenticate(s, card.deviceChain().device().publicKey());
        assertFalse(host.tokenMatches);
    }

    @Test
    void generalAuthenticateWithoutMseIsRefused() {
        CardSession s = new CardSession(new SmartCardHsmSimulator());
        s.selectApplet();
        s.send("00860000 05 7C03800100 00").expect(0x6985);
        s.send("002241A4 0C 800A 04007F00070202030201").expect(0x6A80);
    }

    /** The host side of chip authentication and secure messaging, from TR-03110 and ISO/IEC 7816-4. */
    static final class Host {
        byte[] kEnc;
        byte[] kMac;
        BigInteger ssc = BigInteger.ZERO;
        boolean tokenMatches;

        static Host authenticate(CardSession s, PublicKey certifiedDeviceKey) throws Exception {
            s.send("002241A4 0C 800A " + CA_OID).expect(0x9000);
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", CvcSignatures.PROVIDER);
            g.initialize(new ECGenParameterSpec("brainpoolP256r1"));
            KeyPair eph = g.generateKeyPair();
            byte[] point = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(eph.getPublic().getEncoded())
                    .getPublicKeyData().getBytes();
            byte[] ga = Tlv.encode(0x7C, Tlv.encode(0x80, point));
            byte[] apdu = new byte[5 + ga.length + 1];
            System.arraycopy(HexFormat.of().parseHex("00860000"), 0, apdu, 0, 4);
            apdu[4] = (byte) ga.length;
            System.arraycopy(ga, 0, apdu, 5, ga.length);
            Tlv answer = Tlv.parseFirst(s.send(apdu).expect(0x9000).data());
            byte[] nonce = answer.child(0x81).orElseThrow().value();
            byte[] token = answer.child(0x82).orElseThrow().value();
            KeyAgreement ka = KeyAgreement.getInstance("ECDH", CvcSignatures.PROVIDER);
            ka.init(eph.getPrivate());
            ka.doPhase(certifiedDeviceKey, true);
            byte[] secret = ka.generateSecret();
            Host h = new Host();
            h.kEnc = kdf(secret, nonce, 1);
            h.kMac = kdf(secret, nonce, 2);
            byte[] tokenInput = Tlv.encode(0x7F49, Tlv.encode(0x06, HexFormat.of().parseHex(CA_OID)), Tlv.encode(0x86, point));
            h.tokenMatches = Arrays.equals(Arrays.copyOf(cmac(h.kMac, tokenInput), 8), token);
            return h;
        }

        static byte[] kdf(byte[] secret, byte[] nonce, int counter) {
            SHA1Digest d = new SHA1Digest();
            d.update(secret, 0, secret.length);
            d.update(nonce, 0, nonce.length);
            d.update(new byte[] {0, 0, 0, (byte) counter}, 0, 4);
            byte[] out = new byte[20];
            d.doFinal(out, 0);
            return Arrays.copyOf(out, 16);
        }

        static byte[] cmac(byte[] key, byte[] data) {
            CMac m = new CMac(AESEngine.newInstance());
            m.init(new KeyParameter(key));
            m.update(data, 0, data.length);
            byte[] out = new byte[16];
            m.doFinal(out, 0);
            return out;
        }

        static byte[] pad(byte[] in) {
            byte[] out = Arrays.copyOf(in, (in.length / 16 + 1) * 16);
            out[in.length] = (byte) 0x80;
            return out;
        }

        byte[] sscBytes() {
            byte[] b = ssc.toByteArray();
            byte[] out = new byte[16];
            System.arraycopy(b, Math.max(0, b.length - 16), out, 16 - Math.min(16, b.length), Math.min(16, b.length));
            return out;
        }

        /** A protected command without data; {@code le} > 0 adds DO 97. */
        byte[] protect(int ins, int p1, int p2, byte[] data, int le) {
            ssc = ssc.add(BigInteger.ONE);
            ByteArrayOutputStream dos = new ByteArrayOutputStream();
            if (le > 0) {
                dos.writeBytes(Tlv.encode(0x97, new byte[] {(byte) le}));
            }
            ByteArrayOutputStream macInput = new ByteArrayOutputStream();
            macInput.writeBytes(sscBytes());
            macInput.writeBytes(pad(new byte[] {0x0C, (byte) ins, (byte) p1, (byte) p2}));
            macInput.writeBytes(dos.toByteArray());
            byte[] in = dos.size() > 0 ? pad(macInput.toByteArray()) : macInput.toByteArray();
            byte[] mac = Arrays.copyOf(cmac(kMac, in), 8);
            dos.writeBytes(Tlv.encode(0x8E, mac));
            byte[] body = dos.toByteArray();
            byte[] apdu = new byte[5 + body.length + 1];
            apdu[0] = 0x0C;
            apdu[1] = (byte) ins;
            apdu[2] = (byte) p1;
            apdu[3] = (byte) p2;
            apdu[4] = (byte) body.length;
            System.arraycopy(body, 0, apdu, 5, body.length);
            return apdu;
        }

        boolean responseMacOk(byte[] response) {
            ssc = ssc.add(BigInteger.ONE);
            int macAt = response.length - 10;
            byte[] in = new byte[16 + macAt];
            System.arraycopy(sscBytes(), 0, in, 0, 16);
            System.arraycopy(response, 0, in, 16, macAt);
            return Arrays.equals(Arrays.copyOf(cmac(kMac, pad(in)), 8), Arrays.copyOfRange(response, macAt + 2, response.length));
        }

        /** Deciphers DO 87 of the last response (SSC as after {@link #responseMacOk}). */
        byte[] decrypt(byte[] response) throws Exception {
            Tlv do87 = Tlv.parseFirst(response);
            assertEquals(0x87, do87.tag());
            Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kEnc, "AES"));
            byte[] iv = ecb.doFinal(sscBytes());
            Cipher cbc = Cipher.getInstance("AES/CBC/NoPadding");
            cbc.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kEnc, "AES"), new IvParameterSpec(iv));
            byte[] v = do87.value();
            byte[] plain = cbc.doFinal(v, 1, v.length - 1);
            int i = plain.length - 1;
            while (plain[i] == 0) {
                i--;
            }
            assertEquals((byte) 0x80, plain[i]);
            return Arrays.copyOf(plain, i);
        }
    }
}
