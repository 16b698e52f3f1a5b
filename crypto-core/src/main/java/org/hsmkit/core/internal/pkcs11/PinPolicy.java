package org.hsmkit.core.internal.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_PROTECTED_AUTHENTICATION_PATH;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_COUNT_LOW;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_FINAL_TRY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_INITIALIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_LOCKED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_TO_BE_CHANGED;

import java.util.Arrays;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

import org.hsmkit.core.PinException;
import org.hsmkit.core.PinSource;

/**
 * What hsmkit does before and after a PKCS#11 login, decided from the token's PIN flags alone.
 *
 * <p>Before: a locked PIN is reported without asking for it; a PIN at its final try is not tried
 * unless the caller allowed it (one more wrong PIN would lock the token). After a wrong PIN, the
 * flags are read again and the message says how many tries are left, as far as the token tells:
 * PKCS#11 has flags only (count low, final try, locked), no number.
 */
public final class PinPolicy {

    /** One C_Login attempt; returns normally on success. */
    @FunctionalInterface
    public interface LoginAttempt {
        /**
         * @param pin the PIN, or {@code null} for a protected authentication path (PIN pad)
         * @return {@code true} when logged in, {@code false} when the token said the PIN is wrong
         */
        boolean login(char[] pin);
    }

    /** What to do about a PIN at its final try, for every token type. */
    public static final String FINAL_TRY_HINT = "make sure of the PIN, then run again with --allow-final-pin-try to use the final try";
    /** What to do about a locked user PIN, for every token type. */
    public static final String LOCKED_HINT = "unlock it with the SO-PIN: hsmkit token unblock-pin";

    private PinPolicy() {
    }

    /** The exception for a user PIN that is locked. */
    public static PinException locked(String tokenName) {
        return new PinException("the user PIN of " + tokenName + " is locked", LOCKED_HINT, 0);
    }

    /** The exception for an SO-PIN that is locked. */
    public static PinException soLocked(String tokenName) {
        return new PinException("the SO-PIN of " + tokenName + " is locked", "the device can only be initialised again", 0);
    }

    /** The exception for an SO-PIN at its final try that the caller did not allow to use. */
    public static PinException soFinalTryRefused(String tokenName) {
        return new PinException("the SO-PIN of " + tokenName + " is at its final try: one more wrong SO-PIN locks it for good; "
                + "hsmkit did not try", FINAL_TRY_HINT, 1);
    }

    /** The exception for a user PIN at its final try that the caller did not allow to use. */
    public static PinException finalTryRefused(String tokenName) {
        return new PinException("the user PIN of " + tokenName + " is at its final try: one more wrong PIN locks it; hsmkit did not try",
                FINAL_TRY_HINT, 1);
    }

    /**
     * Logs in following the policy.
     *
     * @param tokenName names the token in prompts and messages
     * @param flags reads the token's current flags (C_GetTokenInfo)
     * @throws PinException when the PIN is locked, at its final try without permission, or wrong
     */
    public static void login(String tokenName, LongSupplier flags, PinSource pins, boolean allowFinalTry,
            LoginAttempt attempt) {
        long before = flags.getAsLong();
        if ((before & CKF_USER_PIN_INITIALIZED) == 0) {
            throw new PinException("the user PIN of " + tokenName + " is not initialised",
                    "initialise the token's user PIN with the token's own tools first", null);
        }
        if ((before & CKF_USER_PIN_LOCKED) != 0) {
            throw locked(tokenName);
        }
        if ((before & CKF_USER_PIN_FINAL_TRY) != 0 && !allowFinalTry) {
            throw finalTryRefused(tokenName);
        }
        if ((before & CKF_PROTECTED_AUTHENTICATION_PATH) != 0) {
            if (!attempt.login(null)) {
                throw afterWrongPin(tokenName, flags.getAsLong());
            }
            return;
        }
        String state = (before & CKF_USER_PIN_FINAL_TRY) != 0 ? " (final try!)"
                : (before & CKF_USER_PIN_COUNT_LOW) != 0 ? " (a wrong PIN was entered before)" : "";
        char[] pin = pins.pin("PIN for " + tokenName + state, false);
        boolean ok;
        try {
            ok = attempt.login(pin);
        } finally {
            Arrays.fill(pin, '\0');
        }
        if (!ok) {
            throw afterWrongPin(tokenName, flags.getAsLong());
        }
    }

    /** The exception for a wrong PIN, saying what the flags tell about the tries left. */
    static PinException afterWrongPin(String tokenName, long flags) {
        OptionalInt left = triesLeft(flags);
        String tries;
        if ((flags & CKF_USER_PIN_LOCKED) != 0) {
            tries = "the PIN is now locked";
        } else if ((flags & CKF_USER_PIN_FINAL_TRY) != 0) {
            tries = "one try is left before the PIN locks";
        } else if ((flags & CKF_USER_PIN_COUNT_LOW) != 0) {
            tries = "the token reports its retry count low (it does not say how many tries are left)";
        } else {
            tries = "the token does not say how many tries are left";
        }
        String hint = (flags & CKF_USER_PIN_LOCKED) != 0 ? LOCKED_HINT
                : (flags & CKF_USER_PIN_FINAL_TRY) != 0
                        ? "make sure of the PIN; hsmkit will not use the final try without --allow-final-pin-try"
                        : "check the PIN (file or variable) and try again";
        return new PinException("wrong PIN for " + tokenName + "; " + tries, hint,
                left.isPresent() ? left.getAsInt() : null);
    }

    /** Tries left as far as the flags tell: 0 when locked, 1 at the final try, else unknown. */
    public static OptionalInt triesLeft(long flags) {
        if ((flags & CKF_USER_PIN_LOCKED) != 0) {
            return OptionalInt.of(0);
        }
        if ((flags & CKF_USER_PIN_FINAL_TRY) != 0) {
            return OptionalInt.of(1);
        }
        return OptionalInt.empty();
    }

    /** The PIN state in words: ok, count low, final try, locked, to be changed, not initialised. */
    public static String state(long flags) {
        if ((flags & CKF_USER_PIN_INITIALIZED) == 0) {
            return "not initialised";
        }
        if ((flags & CKF_USER_PIN_LOCKED) != 0) {
            return "locked";
        }
        if ((flags & CKF_USER_PIN_FINAL_TRY) != 0) {
            return "final try";
        }
        if ((flags & CKF_USER_PIN_COUNT_LOW) != 0) {
            return "count low";
        }
        if ((flags & CKF_USER_PIN_TO_BE_CHANGED) != 0) {
            return "to be changed";
        }
        return "ok";
    }
}
