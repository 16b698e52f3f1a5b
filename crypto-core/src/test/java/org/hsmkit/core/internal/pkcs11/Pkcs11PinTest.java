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
 * login per token and process. SoftHSM2 never reaches a final try or a locked PIN by itself;
 * the fixture writes those flags into its token file, as a card would have them.
 */
class Pkcs11PinTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

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
    void atTheFinalTryTheTokenIsNotTriedUnlessAllowed() {
        try (SoftHsmToken hsm = SoftHsmToken.create("final-try")) {
            hsm.setTokenFlags(SoftHsmToken.USER_PIN_FINAL_TRY, 0);
            CountingPins wrong = new CountingPins("999999");
            try (Token t = open(hsm, wrong)) {
                assertEquals("final try", t.info().pinState());
                assertEquals(1, t.info().pinTriesLeft().getAsInt());
                PinException e = assertThrows(PinException.class, t::keys);
                assertTrue(e.getMessage().contains("final try"), e.getMessage());
                assertTrue(e.hint().orElseThrow().contains("--allow-final-pin-try"));
                assertEquals(List.of(), wrong.prompts, "not even asked");
                assertFalse(t.info().flags().contains("USER_PIN_COUNT_LOW"), "no login was attempted");
            }
            CountingPins right = new CountingPins(new String(hsm.userPin()));
            try (Token t = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), right, true))) {
                t.keys();
                assertEquals(1, right.prompts.size());
                assertTrue(right.prompts.get(0).contains("final try"), "the prompt warns: " + right.prompts.get(0));
            }
        }
    }

    @Test
    void aLockedPinIsReportedWithoutAskingForIt() {
        try (SoftHsmToken hsm = SoftHsmToken.create("locked")) {
            hsm.setTokenFlags(SoftHsmToken.USER_PIN_LOCKED, 0);
            CountingPins pins = new CountingPins(new String(hsm.userPin()));
            try (Token t = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), pins, true))) {
                assertEquals("locked", t.info().pinState());
                PinException e = assertThrows(PinException.class, t::keys);
                assertTrue(e.getMessage().contains("locked"), e.getMessage());
                assertEquals(0, e.triesLeft().getAsInt());
                assertEquals(List.of(), pins.prompts);
            }
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
    void whenTheModuleEndsTheLoginWithItsLastSessionTheNextOperationLogsInAgain() throws Exception {
        try (SoftHsmToken hsm = SoftHsmToken.create("relogin")) {
            CountingPins pins = new CountingPins(new String(hsm.userPin()));
            try (Token b = open(hsm, pins)) {
                try (Token a = open(hsm, pins)) {
                    a.generateKey(KeyType.EC_P256, "k", null);
                }
                // a closed the only sessions of the token: PKCS#11 logged the process out
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(new byte[1]);
                b.key("k").signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest);
                assertEquals(2, pins.prompts.size());
            }
        }
    }

    @Test
    void aKeyMarkedAlwaysAuthenticateGetsThePinAtEachUse() throws Exception {
        try (SoftHsmToken hsm = SoftHsmToken.create("always-auth")) {
            hsm.pkcs11Tool("--keypairgen", "--key-type", "rsa:2048", "--id", "6001", "--label", "always", "--always-auth");
            String good = new String(hsm.userPin());
            java.util.Deque<String> answers = new java.util.ArrayDeque<>(List.of(good, good, "000000", good, good));
            List<String> prompts = new ArrayList<>();
            PinSource pins = (prompt, confirm) -> {
                prompts.add(prompt);
                return answers.removeFirst().toCharArray();
            };
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(new byte[1]);
            try (Token t = open(hsm, pins)) {
                TokenKey k = t.key("always");
                assertEquals(1, prompts.size(), "the login");
                byte[] signature = k.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, digest);
                assertEquals(2, prompts.size(), "the PIN again for the signature");
                assertTrue(prompts.get(1).contains("asked at each use"), prompts.get(1));
                java.security.Signature v = java.security.Signature.getInstance("SHA256withRSA");
                v.initVerify(k.publicKey());
                v.update(new byte[1]);
                assertTrue(v.verify(signature));

                PinException wrong = assertThrows(PinException.class,
                        () -> k.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, digest));
                assertTrue(wrong.getMessage().startsWith("wrong PIN"), wrong.getMessage());
                // the failed confirmation ended the operation: the session works for the next one
                k.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, digest);
                byte[] secret = new byte[24];
                byte[] ciphertext = new Openssl(dir)
                        .encrypt(k.publicKey(), org.hsmkit.core.RsaPadding.PKCS1, secret);
                org.junit.jupiter.api.Assertions.assertArrayEquals(secret, k.decrypt(org.hsmkit.core.RsaPadding.PKCS1, ciphertext));
                assertEquals(5, prompts.size());
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
