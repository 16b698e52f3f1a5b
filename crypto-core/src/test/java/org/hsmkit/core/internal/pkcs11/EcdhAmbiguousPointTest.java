package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Optional;

import javax.crypto.KeyAgreement;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A peer point 04||X||Y whose X starts with the byte (point length - 2) also reads as a DER
 * OCTET STRING (one peer key in 256); SoftHSM2 2.6.1 then fails with CKR_GENERAL_ERROR on
 * brainpoolP512r1 (seen in openssl interop runs). Such peers must still agree on every curve
 * where the ambiguity exists, with the secret a software computation gives; P-521's 133-byte
 * point cannot be read that way.
 */
class EcdhAmbiguousPointTest {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static SoftHsmToken hsm;
    private static Token token;

    @BeforeAll
    static void openToken() {
        hsm = SoftHsmToken.create("ecdh-zero");
        token = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
    }

    @AfterAll
    static void closeToken() {
        if (token != null) {
            token.close();
        }
        if (hsm != null) {
            hsm.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestUser.class, names = {"BOB_P256", "CAROL_P384", "ERIN_BP256", "FRANK_BP384", "GRACE_BP512"})
    void aPeerPointThatLooksDerWrappedStillAgrees(TestUser user) throws Exception {
        TestPki.Credential c = TestPki.standard().user(user);
        TokenKey key = token.importKey(c.privateKey(), c.chain(), user.fileName(), null);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
        g.initialize(new ECGenParameterSpec(user.curve()));
        for (int found = 0, tries = 0; found < 2 && tries < 20_000; tries++) {
            KeyPair peer = g.generateKeyPair();
            byte[] point = ((org.bouncycastle.jce.interfaces.ECPublicKey) peer.getPublic()).getQ().getEncoded(false);
            if (!Pkcs11Key.looksDerWrapped(point)) {
                continue;
            }
            KeyAgreement ka = KeyAgreement.getInstance("ECDH", BC);
            ka.init(c.privateKey());
            ka.doPhase(peer.getPublic(), true);
            byte[] expected = ka.generateSecret();
            found++;
            assertArrayEquals(expected, key.agree((ECPublicKey) peer.getPublic()), "secret " + found + " after " + tries + " tries");
        }
        token.deleteKey(key);
    }

    @org.junit.jupiter.api.Test
    void onlyShortFormLengthsThatMatchAreAmbiguous() {
        byte[] p256 = new byte[65];
        p256[0] = 4;
        p256[1] = 0x3f;
        org.junit.jupiter.api.Assertions.assertTrue(Pkcs11Key.looksDerWrapped(p256));
        p256[1] = 0x40;
        org.junit.jupiter.api.Assertions.assertFalse(Pkcs11Key.looksDerWrapped(p256));
        byte[] p521 = new byte[133];
        p521[0] = 4;
        p521[1] = (byte) 0x83;
        org.junit.jupiter.api.Assertions.assertFalse(Pkcs11Key.looksDerWrapped(p521));
    }

}
