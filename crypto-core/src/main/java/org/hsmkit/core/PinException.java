package org.hsmkit.core;

import java.util.OptionalInt;

/**
 * A login failed or was refused: wrong PIN, locked PIN, or a final try that was not forced.
 * Carries the number of tries left when the token reports it.
 */
public final class PinException extends HsmkitException {
    private static final long serialVersionUID = 1L;

    private final Integer triesLeft;

    public PinException(String message, String hint, Integer triesLeft) {
        super(ErrorKind.KEY, message, hint);
        this.triesLeft = triesLeft;
    }

    /** Tries left before the PIN locks, when the token says. */
    public OptionalInt triesLeft() {
        return triesLeft == null ? OptionalInt.empty() : OptionalInt.of(triesLeft);
    }
}
