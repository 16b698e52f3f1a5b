package org.hsmkit.core;

import java.util.Optional;

/**
 * The one exception type hsmkit's library code throws for expected failures. It carries a
 * {@link ErrorKind}, a message that says what went wrong (never a secret), and optionally a hint
 * that says what to do about it.
 */
public class HsmkitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String hint;

    public HsmkitException(ErrorKind kind, String message) {
        this(kind, message, null, null);
    }

    public HsmkitException(ErrorKind kind, String message, String hint) {
        this(kind, message, hint, null);
    }

    public HsmkitException(ErrorKind kind, String message, String hint, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.hint = hint;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** What the user can do about it, when there is something useful to say. */
    public Optional<String> hint() {
        return Optional.ofNullable(hint);
    }

    /** A key, token or PIN problem. */
    public static HsmkitException key(String message, String hint) {
        return new HsmkitException(ErrorKind.KEY, message, hint);
    }

    /** Malformed or unsuitable input. */
    public static HsmkitException input(String message, String hint) {
        return new HsmkitException(ErrorKind.INPUT, message, hint);
    }

    /** Malformed or unsuitable input, with the underlying cause. */
    public static HsmkitException input(String message, String hint, Throwable cause) {
        return new HsmkitException(ErrorKind.INPUT, message, hint, cause);
    }

    /** A failed verification: bad signature, untrusted signer, tampered data. */
    public static HsmkitException verification(String message, String hint) {
        return new HsmkitException(ErrorKind.VERIFICATION_FAILED, message, hint);
    }

    /** A file or network I/O failure. */
    public static HsmkitException io(String message, Throwable cause) {
        return new HsmkitException(ErrorKind.IO, message, null, cause);
    }
}
