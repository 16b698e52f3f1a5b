package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_PROTECTED_AUTHENTICATION_PATH;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_COUNT_LOW;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_FINAL_TRY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_INITIALIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_LOCKED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_TO_BE_CHANGED;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.hsmkit.core.PinException;
import org.hsmkit.core.PinSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The PIN policy driven by token flags alone, with a recorded login attempt in place of C_Login:
 * every flag combination a Nitrokey HSM shows after wrong PINs, including the ones SoftHSM2
 * never reaches by itself (it has no retry limit). Pkcs11PinTest checks the same policy through
 * C_Login against SoftHSM2, with final-try and locked flags written into its token file.
 */
class FlagsOnlyPinPolicyTest {
    private static final long OK = CKF_USER_PIN_INITIALIZED;

    private final List<String> prompts = new ArrayList<>();
    private final List<String> attempts = new ArrayList<>();
    private final PinSource pins = (prompt, confirm) -> {
        prompts.add(prompt);
        return "123456".toCharArray();
    };

    private PinPolicy.LoginAttempt attempt(boolean accept) {
        return pin -> {
            attempts.add(pin == null ? "<pin pad>" : new String(pin));
            return accept;
        };
    }

    @Test
    void atTheFinalTryThePinIsNeitherAskedNorTriedWithoutPermission() {
        PinException e = assertThrows(PinException.class, () -> PinPolicy.login("the token 'T'",
                () -> OK | CKF_USER_PIN_FINAL_TRY, pins, false, attempt(true)));
        assertEquals(List.of(), prompts);
        assertEquals(List.of(), attempts);
        assertEquals(OptionalInt.of(1), e.triesLeft());
        assertTrue(e.getMessage().contains("final try"), e.getMessage());
        assertTrue(e.hint().orElseThrow().contains("--allow-final-pin-try"), e.hint().orElseThrow());
    }

    @Test
    void atTheFinalTryThePinIsTriedWhenAllowedAndThePromptWarns() {
        PinPolicy.login("the token 'T'", () -> OK | CKF_USER_PIN_FINAL_TRY, pins, true, attempt(true));
        assertEquals(List.of("123456"), attempts);
        assertTrue(prompts.get(0).contains("final try"), prompts.get(0));
    }

    @Test
    void aLockedPinIsReportedWithoutAskingOrTrying() {
        PinException e = assertThrows(PinException.class, () -> PinPolicy.login("the token 'T'",
                () -> OK | CKF_USER_PIN_LOCKED, pins, true, attempt(true)));
        assertEquals(List.of(), prompts);
        assertEquals(List.of(), attempts);
        assertEquals(OptionalInt.of(0), e.triesLeft());
        assertTrue(e.getMessage().contains("locked"), e.getMessage());
    }

    @Test
    void anUninitialisedUserPinIsReportedWithoutAsking() {
        PinException e = assertThrows(PinException.class, () -> PinPolicy.login("the token 'T'", () -> 0L, pins, true,
                attempt(true)));
        assertTrue(e.getMessage().contains("not initialised"), e.getMessage());
        assertEquals(List.of(), attempts);
    }

    @Test
    void aGoodPinIsAskedOnceAndTriedOnce() {
        PinPolicy.login("the token 'T'", () -> OK, pins, false, attempt(true));
        assertEquals(1, prompts.size());
        assertTrue(prompts.get(0).contains("the token 'T'"), prompts.get(0));
        assertEquals(List.of("123456"), attempts);
    }

    @Test
    void aPinPadTokenIsNotAskedForAPin() {
        PinPolicy.login("the token 'T'", () -> OK | CKF_PROTECTED_AUTHENTICATION_PATH, pins, false, attempt(true));
        assertEquals(List.of(), prompts);
        assertEquals(List.of("<pin pad>"), attempts);
    }

    /** After a wrong PIN the flags are read again: what they say is what the message says. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no flag|0|does not say how many tries are left|-1",
        "count low|65536|retry count low|-1",
        "final try|131072|one try is left|1",
        "locked|262144|now locked|0",
    })
    void aWrongPinSaysWhatTheTokenTellsAboutTheTriesLeft(String name, long after, String expected, int left) {
        long[] calls = {0};
        PinException e = assertThrows(PinException.class, () -> PinPolicy.login("the token 'T'",
                () -> calls[0]++ == 0 ? OK : OK | after, pins, false, attempt(false)));
        assertTrue(e.getMessage().startsWith("wrong PIN for the token 'T'"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(left < 0 ? OptionalInt.empty() : OptionalInt.of(left), e.triesLeft());
        assertTrue(!e.getMessage().contains("123456"), "no PIN in the message");
    }

    @Test
    void thePinStateInWords() {
        assertEquals("ok", PinPolicy.state(OK));
        assertEquals("not initialised", PinPolicy.state(0));
        assertEquals("count low", PinPolicy.state(OK | CKF_USER_PIN_COUNT_LOW));
        assertEquals("final try", PinPolicy.state(OK | CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY));
        assertEquals("locked", PinPolicy.state(OK | CKF_USER_PIN_LOCKED));
        assertEquals("to be changed", PinPolicy.state(OK | CKF_USER_PIN_TO_BE_CHANGED));
    }
}
