package org.hsmkit.core.card;

import java.util.Arrays;
import java.util.OptionalInt;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * What {@link SmartCardHsm#initialize} sets, with the rules sc-hsm-tool applies. The PINs are
 * copied; {@link #clear()} wipes the copies.
 *
 * @param soPin 16 hexadecimal characters (the current SO-PIN when the device was initialised before)
 * @param userPin 6 to 16 characters
 * @param pinRetries tries before the user PIN locks: at most 3 for a 6-character PIN, 5 for 7, 10 otherwise
 * @param dkekShares how many DKEK shares the DKEK is made of; empty: no DKEK (no key backup); 0: a
 *        random DKEK the device makes itself (backups restore only on this device)
 * @param label the token label, or empty for none
 */
public record CardInitialization(char[] soPin, char[] userPin, int pinRetries, OptionalInt dkekShares, String label) {

    public CardInitialization {
        soPin = soPin.clone();
        userPin = userPin.clone();
        check(soPin, userPin, pinRetries, dkekShares);
    }

    private static void check(char[] so, char[] user, int retries, OptionalInt shares) {
        requireSoPinForm(so);
        if (user.length < 6 || user.length > 16) {
            throw new HsmkitException(ErrorKind.USAGE, "the user PIN must have 6 to 16 characters, not " + user.length,
                    "choose a longer (or shorter) PIN");
        }
        int max = user.length == 6 ? 3 : user.length == 7 ? 5 : 10;
        if (retries < 1 || retries > max) {
            throw new HsmkitException(ErrorKind.USAGE, "a " + user.length + "-character PIN allows 1 to " + max
                    + " tries, not " + retries, "use --pin-retries " + Math.min(3, max) + ", or a longer PIN for more tries");
        }
        if (shares.isPresent() && (shares.getAsInt() < 0 || shares.getAsInt() > 255)) {
            throw new HsmkitException(ErrorKind.USAGE, "the number of DKEK shares must be 0 to 255", null);
        }
    }

    /** The SO-PIN as the 8 bytes the device takes. */
    public byte[] soPinBytes() {
        return soPinBytes(soPin);
    }

    /**
     * An SO-PIN given as 16 hexadecimal characters, as the 8 bytes the device takes.
     *
     * @throws HsmkitException USAGE when it is not 16 hexadecimal characters
     */
    public static byte[] soPinBytes(char[] soPin) {
        requireSoPinForm(soPin);
        byte[] b = new byte[8];
        for (int i = 0; i < 16; i++) {
            b[i / 2] |= (byte) (Character.digit(soPin[i], 16) << (i % 2 == 0 ? 4 : 0));
        }
        return b;
    }

    private static void requireSoPinForm(char[] so) {
        boolean hex = so.length == 16;
        for (int i = 0; hex && i < so.length; i++) {
            hex = Character.digit(so[i], 16) >= 0 && so[i] < 128;
        }
        if (!hex) {
            throw new HsmkitException(ErrorKind.USAGE, "the SO-PIN must be 16 hexadecimal characters",
                    "e.g. 3537363231383830 (keep it safe: it is needed to reset the user PIN and to initialise again)");
        }
    }

    /** Wipes the PIN copies. */
    public void clear() {
        Arrays.fill(soPin, '\0');
        Arrays.fill(userPin, '\0');
    }

    @Override
    public String toString() {
        return "CardInitialization[pinRetries=" + pinRetries + ", dkekShares=" + dkekShares + ", label=" + label + "]";
    }
}
