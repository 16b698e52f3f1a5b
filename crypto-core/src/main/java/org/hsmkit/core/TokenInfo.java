package org.hsmkit.core;

import java.util.List;
import java.util.OptionalInt;

/**
 * What a token says about itself, without a login.
 *
 * @param kind "pkcs11" or "soft"
 * @param location the PKCS#11 module path, or the soft token's key store file
 * @param slotId the PKCS#11 slot id, -1 for the soft token
 * @param label token label
 * @param manufacturer token manufacturer
 * @param model token model
 * @param serial token serial number
 * @param flags human-readable flags such as {@code LOGIN_REQUIRED}, {@code USER_PIN_COUNT_LOW}
 * @param pinState PIN state in words: ok, count low, final try, locked, not initialised
 * @param pinTriesLeft tries left when the token reports a number
 * @param uri a PKCS#11 URI (or {@code soft:PATH}) that selects this token
 */
public record TokenInfo(String kind, String location, long slotId, String label, String manufacturer,
        String model, String serial, List<String> flags, String pinState, OptionalInt pinTriesLeft, String uri) {
}
