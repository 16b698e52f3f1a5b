package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.Test;

/**
 * Logins against SoftHSM2 through C_Login: wrong PINs, what the token says afterwards, one
 * login per token and process. (Final try and locked PINs, which SoftHSM2 never reaches, are
 * specified in FlagsOnlyPinPolicyTest.)
 */
class Pkcs11PinTest {

    /** Hands out a PIN and counts how often it was asked. */
    static final class CountingPins implements PinSource {
        final List<String> prompts = new ArrayList<>();
        private final String pin;

        CountingPins(String pin) {
            this.pin = pin;
        }

        @Override
        public char[] pin(String prompt, boolean confirm) {
            prompts.add(prompt);
            return pin.toCharArray();
        }
    }

    private static Token open(SoftHsmToken hsm, PinSource pins) {
        return TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), pins, false));
    }

    @Test
    void aWrongPinIsAPinExceptionSayingWhatTheTokenTellsAndTheTokenIsThenAtCountLow() {
        try (SoftHsmToken hsm = SoftHsmToken.create("wrong-pin")) {
            CountingPins wrong = new CountingPins("999999");
            try (Token t = open(hsm, wrong)) {
                PinException e = assertThrows(PinException.class, t::keys);
                assertEquals(ErrorKind.KEY, e.kind());
                assertTrue(e.getMessage().startsWith("wrong PIN for the token '" + hsm.label() + "'"), e.getMessage());
                assertTrue(e.getMessage().contains("retry count low"), e.getMessage());
                assertFalse(e.getMessage().contains("999999"));
                assertEquals(1, wrong.prompts.size(), "one wrong PIN is one try, not retried");
                assertEquals("count low", t.info().pinState());
                assertTrue(t.info().flags().contains("USER_PIN_COUNT_LOW"));
            }
            try (Token t = open(hsm, PinSource.of(hsm.userPin()))) {
                assertTrue(t.info().flags().contains("USER_PIN_COUNT_LOW"));
                t.keys();
                assertEquals("ok", t.info().pinState(), "a correct login clears the count");
            }
        }
    }

    @Test
    void softHsm2HasNoRetryCounterSoItNeverReachesTheFinalTry() {
        try (SoftHsmToken hsm = SoftHsmToken.create("no-counter"); Token t = open(hsm, new CountingPins("000000"))) {
            for (int i = 0; i < 4; i++) {
                assertThrows(PinException.class, t::keys);
            }
            assertEquals("count low", t.info().pinState());
            assertTrue(t.info().pinTriesLeft().isEmpty());
        }
    }

    @Test
    void thePinIsAskedOncePerTokenAndProcessWhateverNumberOfOperationsAndOpenings() throws Exception {
        try (SoftHsmToken hsm = SoftHsmToken.create("login-once")) {
            CountingPins pins = new CountingPins(new String(hsm.userPin()));
            try (Token a = open(hsm, pins); Token b = open(hsm, pins)) {
                TokenKey k = a.generateKey(KeyType.EC_P256, "k", null);
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(new byte[1]);
                for (int i = 0; i < 5; i++) {
                    k.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest);
                }
                b.key("k").signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest);
                assertEquals(1, pins.prompts.size(), pins.prompts.toString());
                assertTrue(pins.prompts.get(0).contains(hsm.label()));
            }
        }
    }

    @Test
    void aTokenCreatedAfterTheModuleWasLoadedIsFoundAndOpenTokensKeepWorking() throws Exception {
        try (SoftHsmToken first = SoftHsmToken.create("before")) {
            CountingPins pins = new CountingPins(new String(first.userPin()));
            try (Token a = open(first, pins)) {
                TokenKey k = a.generateKey(KeyType.RSA_2048, "survivor", new byte[] {0x5a});
                try (SoftHsmToken second = SoftHsmToken.create("after"); Token b = open(second, PinSource.of(second.userPin()))) {
                    assertEquals(second.label(), b.info().label());
                    byte[] digest = MessageDigest.getInstance("SHA-256").digest(new byte[1]);
                    // the module was initialised again to find 'after': the old key object finds its key again by CKA_ID
                    k.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, digest);
                    assertEquals(2, pins.prompts.size(), "the login was lost with the re-initialisation and made again");
                    assertEquals("survivor", a.key("pkcs11:id=%5A").label());
                }
            }
        }
    }
}
