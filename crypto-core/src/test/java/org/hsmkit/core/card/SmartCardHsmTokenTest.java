package org.hsmkit.core.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.hsmkit.core.DataObject;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SmartCard-HSM as a token: hsmkit's driver through jnasmartcardio, a real pcscd and the
 * vpcd reader driver, on the simulated card. Signatures and decryptions are checked by the JDK
 * (and Bouncy Castle for brainpool) with the public keys the card reported.
 */
class SmartCardHsmTokenTest {
    private static CardFixture fixture;
    private static SmartCardHsm card;
    private static TokenKey ec;
    private static TokenKey rsa;

    @BeforeAll
    static void card() {
        fixture = new CardFixture(new SmartCardHsmSimulator());
        card = fixture.open();
        ec = card.generateKey(KeyType.EC_P256, "ec", HexFormat.of().parseHex("01"));
        rsa = card.generateKey(KeyType.RSA_2048, "rsa", HexFormat.of().parseHex("02"));
    }

    @AfterAll
    static void close() {
        card.close();
        fixture.close();
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(CardFixture.utf8(s));
    }

    @Test
    void ecdsaAndRsaSignaturesVerifyWithThePublicKeysTheCardReported() throws Exception {
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(ec.publicKey());
        v.update(CardFixture.utf8("m1"));
        assertTrue(v.verify(ec.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, sha256("m1"))));

        Signature r = Signature.getInstance("SHA256withRSA");
        r.initVerify(rsa.publicKey());
        r.update(CardFixture.utf8("m2"));
        assertTrue(r.verify(rsa.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, sha256("m2"))));

        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        pss.initVerify(rsa.publicKey());
        pss.update(CardFixture.utf8("m3"));
        assertTrue(pss.verify(rsa.signDigest(SignatureScheme.RSA_PSS, DigestAlgorithm.SHA256, sha256("m3"))));
    }

    @Test
    void rsaDecryptsOaepAndPkcs1AndRefusesForeignData() throws Exception {
        byte[] secret = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        oaep.init(Cipher.ENCRYPT_MODE, rsa.publicKey(), new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                PSource.PSpecified.DEFAULT));
        assertArrayEquals(secret, rsa.decrypt(RsaPadding.OAEP_SHA256, oaep.doFinal(secret)));
        Cipher pkcs1 = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        pkcs1.init(Cipher.ENCRYPT_MODE, rsa.publicKey());
        assertArrayEquals(secret, rsa.decrypt(RsaPadding.PKCS1, pkcs1.doFinal(secret)));

        KeyPair other = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        oaep.init(Cipher.ENCRYPT_MODE, other.getPublic(), new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                PSource.PSpecified.DEFAULT));
        byte[] foreign = oaep.doFinal(secret);
        if (new BigInteger(1, foreign).compareTo(((java.security.interfaces.RSAPublicKey) rsa.publicKey()).getModulus()) < 0) {
            HsmkitException e = assertThrows(HsmkitException.class, () -> rsa.decrypt(RsaPadding.OAEP_SHA256, foreign));
            assertEquals(ErrorKind.INPUT, e.kind());
        }
    }

    @Test
    void ecdhGivesTheSecretTheHostComputes() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair peer = g.generateKeyPair();
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(peer.getPrivate());
        ka.doPhase(ec.publicKey(), true);
        assertArrayEquals(ka.generateSecret(), ec.agree((ECPublicKey) peer.getPublic()));
    }

    @Test
    void brainpoolKeysSignToo() throws Exception {
        TokenKey bp = card.generateKey(KeyType.EC_BRAINPOOL_P256R1, "bp", null);
        try {
            Signature v = Signature.getInstance("SHA256withECDSA", Providers.bc());
            v.initVerify(bp.publicKey());
            v.update(CardFixture.utf8("bp"));
            assertTrue(v.verify(bp.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, sha256("bp"))));
            // no --id given: OpenSC's intrinsic id, the SHA-1 of the public point
            byte[] point = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(bp.publicKey().getEncoded())
                    .getPublicKeyData().getBytes();
            assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(point), bp.id());
        } finally {
            card.deleteKey(bp);
        }
    }

    @Test
    void keysAreFoundByLabelIdAndTheirOwnReference() {
        assertEquals("ec", card.key("ec").label());
        assertEquals("rsa", card.key("pkcs11:id=%02").label());
        assertEquals("rsa", card.key(rsa.reference()).label());
        HsmkitException e = assertThrows(HsmkitException.class, () -> card.key("nope"));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().contains("'ec'") && e.getMessage().contains("'rsa'"), e.getMessage());
    }

    @Test
    void aKeyWithAUseCounterStopsWithAClearErrorWhenSpent() throws Exception {
        TokenKey limited = card.generateKey(KeyType.EC_P256, "limited", null, 2);
        try {
            assertEquals(OptionalLong.of(2), card.key("limited").usesLeft());
            limited.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, sha256("a"));
            assertEquals(OptionalLong.of(1), card.key("limited").usesLeft());
            limited.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, sha256("b"));
            assertEquals(OptionalLong.of(0), card.key("limited").usesLeft());
            HsmkitException e = assertThrows(HsmkitException.class,
                    () -> limited.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, sha256("c")));
            assertEquals(ErrorKind.KEY, e.kind());
            assertTrue(e.getMessage().contains("no uses left"), e.getMessage());
            assertEquals(OptionalLong.empty(), ec.usesLeft());
        } finally {
            card.deleteKey(card.key("limited"));
        }
    }

    @Test
    void deletingAKeyRemovesItsDescriptionAndCertificateFileToo() {
        TokenKey k = card.generateKey(KeyType.EC_P256, "gone", HexFormat.of().parseHex("0a"));
        int ref = fixture.simulator.keyReferences().stream().max(Integer::compare).orElseThrow();
        assertTrue(fixture.simulator.fileIds().contains(0xCE00 | ref));
        card.deleteKey(k);
        assertFalse(fixture.simulator.keyReferences().contains(ref));
        for (int prefix : new int[] {0xCC, 0xC4, 0xCE}) {
            assertFalse(fixture.simulator.fileIds().contains((prefix << 8) | ref), Integer.toHexString(prefix));
        }
        assertTrue(card.keys().stream().noneMatch(x -> x.label().equals("gone")));

        // the freed slot takes the next key; the stale handle of the deleted one does not reach it
        TokenKey next = card.generateKey(KeyType.EC_P256, "next in the slot", HexFormat.of().parseHex("0b"));
        assertTrue(fixture.simulator.keyReferences().contains(ref));
        HsmkitException e = assertThrows(HsmkitException.class, () -> card.deleteKey(k));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().contains("'gone' is not on"), e.getMessage());
        assertTrue(fixture.simulator.keyReferences().contains(ref));
        card.deleteKey(next);
    }

    @Test
    void anIdInUseIsRefusedBeforeAnythingIsGenerated() {
        int before = fixture.simulator.keyReferences().size();
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> card.generateKey(KeyType.EC_P256, "again", HexFormat.of().parseHex("01")));
        assertEquals(ErrorKind.KEY, e.kind());
        assertEquals(before, fixture.simulator.keyReferences().size());
    }

    @Test
    void dataObjectsArePrivateByDefaultAndRoundTrip() {
        byte[] value = HexFormat.of().parseHex("cafebabe00ff");
        DataObject d = card.writeData("veracrypt", "hsmkit", value, true);
        try {
            assertEquals(6, d.size());
            assertArrayEquals(value, card.readData("veracrypt"));
            List<DataObject> all = card.dataObjects();
            assertTrue(all.stream().anyMatch(o -> o.label().equals("veracrypt") && o.privateObject()), all.toString());
            HsmkitException twice = assertThrows(HsmkitException.class, () -> card.writeData("veracrypt", "", value, true));
            assertEquals(ErrorKind.KEY, twice.kind());
            assertTrue(fixture.simulator.fileIds().stream().anyMatch(f -> (f >>> 8) == 0xCD), "value kept in a private file");
        } finally {
            card.deleteData("veracrypt");
        }
        assertThrows(HsmkitException.class, () -> card.readData("veracrypt"));
    }

    @Test
    void randomBytesComeInChunksOfTheCardsLimit() {
        for (int n : new int[] {1, 1024, 1025, 3000}) {
            byte[] out = new byte[n];
            card.randomBytes(out);
            assertFalse(n > 16 && java.util.Arrays.equals(out, new byte[n]), "all zero");
        }
    }

    @Test
    void infoReadsThePinStateWithoutSpendingATry() {
        int before = fixture.simulator.userPinTriesLeft();
        var info = card.info();
        assertEquals("card", info.kind());
        assertEquals(fixture.simulator.serial(), info.serial());
        assertEquals(before, fixture.simulator.userPinTriesLeft());
        CardInfo ci = card.cardInfo();
        assertTrue(ci.initialized());
        assertEquals(before, fixture.simulator.userPinTriesLeft());
    }

    @Test
    void aWrongPinSaysHowManyTriesAreLeftAndTheFinalTryNeedsForce() {
        try (CardFixture f = new CardFixture(SmartCardHsmSimulator.builder().retryCounter(3).build(), 1)) {
            try (SmartCardHsm wrong = f.open("000000")) {
                PinException e = assertThrows(PinException.class, () -> wrong.generateKey(KeyType.EC_P256, "x", null));
                assertEquals(2, e.triesLeft().getAsInt());
                assertTrue(e.getMessage().contains("2 tries are left"), e.getMessage());
            }
            try (SmartCardHsm wrong = f.open("000000")) {
                PinException e = assertThrows(PinException.class, () -> wrong.generateKey(KeyType.EC_P256, "x", null));
                assertEquals(1, e.triesLeft().getAsInt());
            }
            try (SmartCardHsm right = f.open()) {
                PinException e = assertThrows(PinException.class, () -> right.generateKey(KeyType.EC_P256, "x", null));
                assertTrue(e.getMessage().contains("final try"), e.getMessage());
                assertEquals(1, f.simulator.userPinTriesLeft(), "hsmkit did not try");
            }
        }
    }
}
