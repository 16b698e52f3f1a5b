package org.hsmkit.core;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to open a token.
 *
 * @param module the PKCS#11 module to load, or empty to take {@code HSMKIT_PKCS11_MODULE} or the
 *        well-known OpenSC locations
 * @param pins where the PIN comes from when a login is needed
 * @param allowFinalPinTry whether to try a PIN when the token says one more wrong PIN locks it
 */
public record TokenOptions(Optional<Path> module, PinSource pins, boolean allowFinalPinTry) {

    public TokenOptions {
        module = module == null ? Optional.empty() : module;
        if (pins == null) {
            throw new IllegalArgumentException("pins");
        }
    }

    /** Default module search, PINs from the given source, no final try. */
    public static TokenOptions withPins(PinSource pins) {
        return new TokenOptions(Optional.empty(), pins, false);
    }
}
