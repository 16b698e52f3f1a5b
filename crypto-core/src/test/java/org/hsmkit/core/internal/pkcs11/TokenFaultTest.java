package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.FaultInjectingModule;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token failing under hsmkit, through a fault-injecting module around SoftHSM2: a removed
 * device or a lost session in the middle of an operation is recovered by initialising the module
 * again and logging in again (the PIN source is asked again), once; a general error fails the
 * operation cleanly; a wrong PIN is never tried a second time; and the call log shows it.
 */
class TokenFaultTest {
    private static final byte[] DIGEST = new byte[32];
    private static final long CKR_GENERAL_ERROR = 0x5;
    private static final long CKR_DEVICE_REMOVED = 0x32;
    private static final long CKR_SESSION_HANDLE_INVALID = 0xB3;
    private static final long CKR_PIN_INCORRECT = 0xA0;

    private static SoftHsmToken hsm;
    private static FaultInjectingModule faults;
    private static CountingPins pins;
    private static Token token;
    private static TokenKey rsa;
    private static TokenKey ec;

    /** Hands out the PIN and counts how often it was asked. */
    static final class CountingPins implements PinSource {
        final List<String> prompts = new ArrayList<>();

        @Override
        public synchronized char[] pin(String prompt, boolean confirm) {
            prompts.add(prompt);
            return SoftHsmToken.USER_PIN.toCharArray();
        }
    }

    @BeforeAll
    static void token() {
        hsm = SoftHsmToken.create("faults");
        faults = FaultInjectingModule.build(java.nio.file.Path.of("target", "fault-injector"));
        pins = new CountingPins();
        token = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(faults.path()), pins, false));
        rsa = token.generateKey(KeyType.RSA_2048, "rsa", null);
        ec = token.generateKey(KeyType.EC_P256, "ec", null);
    }

    @AfterAll
    static void close() {
        faults.plan();
        token.close();
        hsm.close();
    }

    private static void verifies(TokenKey key, SignatureScheme scheme, byte[] signature) throws Exception {
        Signature v = Signature.getInstance(scheme == SignatureScheme.ECDSA ? "NONEwithECDSA" : "NONEwithRSA");
        v.initVerify(key.publicKey());
        v.update(scheme == SignatureScheme.ECDSA ? DIGEST
                : org.hsmkit.core.internal.soft.SignatureFormats.digestInfo(DigestAlgorithm.SHA256, DIGEST));
        assertTrue(v.verify(signature));
    }

    @ParameterizedTest(name = "C_Sign returns {0}")
    @ValueSource(longs = {CKR_DEVICE_REMOVED, CKR_SESSION_HANDLE_INVALID})
    void aLostDeviceOrSessionDuringSigningIsRecoveredByOneNewLogin(long rv) throws Exception {
        int asked = pins.prompts.size();
        faults.plan("fail C_Sign 1 0x" + Long.toHexString(rv));
        byte[] sig = ec.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, DIGEST);
        verifies(ec, SignatureScheme.ECDSA, sig);
        assertEquals(2, faults.count("C_SignInit"), "one failed signature and one that worked: " + faults.counts());
        assertEquals(1, faults.count("C_Initialize"), "the module is initialised again once: " + faults.counts());
        assertEquals(1, faults.count("C_Login"), "one new login: " + faults.counts());
        assertEquals(asked + 1, pins.prompts.size(), "the PIN source is asked again for the new login");
    }

    @Test
    void aDeviceThatStaysGoneFailsAfterOneRecoveryWithAKeyError() {
        faults.plan("fail C_Sign * 0x" + Long.toHexString(CKR_DEVICE_REMOVED));
        HsmkitException e = assertThrows(HsmkitException.class, () -> rsa.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, DIGEST));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().contains("CKR_DEVICE_REMOVED"), e.getMessage());
        assertTrue(e.failsEveryInput(), "any other input would fail alike, so a batch stops");
        assertTrue(e.hint().orElseThrow().contains("connected"), e.hint().toString());
        assertEquals(2, faults.count("C_SignInit"), "one try and one retry: " + faults.counts());
        assertEquals(1, faults.count("C_Login"), "the one new login after initialising the module again: " + faults.counts());
    }

    @Test
    void aGeneralErrorWhileSigningFailsAtOnceAndTheSessionStaysUsable() throws Exception {
        faults.plan("fail-after C_Sign 1 0x" + Long.toHexString(CKR_GENERAL_ERROR));
        HsmkitException e = assertThrows(HsmkitException.class, () -> rsa.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, DIGEST));
        assertEquals(ErrorKind.KEY, e.kind());
        assertFalse(e.failsEveryInput(), "a general error says nothing about the next operation");
        assertEquals(1, faults.count("C_SignInit"), "no retry after a general error: " + faults.counts());
        assertEquals(0, faults.count("C_Login"), "the login survives the failed session: " + faults.counts());
        verifies(rsa, SignatureScheme.RSA_PKCS1, rsa.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, DIGEST));
    }

    @Test
    void aLostDeviceDuringDecryptionIsRecoveredAndAGeneralErrorIsAWrappedKeyThatDoesNotDecrypt() throws Exception {
        Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        c.init(Cipher.ENCRYPT_MODE, rsa.publicKey());
        byte[] key = new byte[32];
        byte[] wrapped = c.doFinal(key);
        faults.plan("fail C_Decrypt 1 0x" + Long.toHexString(CKR_DEVICE_REMOVED));
        assertArrayEquals(key, rsa.decrypt(RsaPadding.PKCS1, wrapped));
        assertEquals(1, faults.count("C_Login"), faults.counts().toString());
        faults.plan("fail-after C_Decrypt 1 0x" + Long.toHexString(CKR_GENERAL_ERROR));
        HsmkitException e = assertThrows(HsmkitException.class, () -> rsa.decrypt(RsaPadding.PKCS1, wrapped));
        // SoftHSM2 reports a bad padding as CKR_GENERAL_ERROR: the two cannot be told apart, nor must they
        assertEquals(ErrorKind.INPUT, e.kind(), e.getMessage());
        assertEquals(1, faults.count("C_Decrypt"));
    }

    @Test
    void aLostDeviceDuringEcdhIsRecoveredAndEveryDerivedSecretIsDestroyed() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        java.security.KeyPair peer = g.generateKeyPair();
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(peer.getPrivate());
        ka.doPhase(ec.publicKey(), true);
        byte[] expected = ka.generateSecret();
        faults.plan("fail-after C_DeriveKey 1 0x" + Long.toHexString(CKR_DEVICE_REMOVED));
        assertArrayEquals(expected, ec.agree((ECPublicKey) peer.getPublic()));
        faults.plan();
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(expected, ec.agree((ECPublicKey) peer.getPublic()));
        }
        assertEquals(5, faults.count("C_DeriveKey"));
        assertEquals(5, faults.count("C_DestroyObject"), "each derived secret is destroyed: " + faults.counts());
    }

    @Test
    void aWrongPinIsTriedOnceAndNeverAgain() {
        faults.plan();
        CountingPins wrongPins = new CountingPins();
        try (SoftHsmToken other = SoftHsmToken.create("faults-pin");
                Token t = TokenSpec.parse(other.uri()).open(new TokenOptions(Optional.of(faults.path()), wrongPins, false))) {
            faults.plan("fail C_Login 1 0x" + Long.toHexString(CKR_PIN_INCORRECT));
            PinException e = assertThrows(PinException.class, t::keys);
            assertInstanceOf(PinException.class, e);
            assertEquals(1, faults.count("C_Login"), faults.counts().toString());
            assertEquals(1, wrongPins.prompts.size());
        }
    }
}
