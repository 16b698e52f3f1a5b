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
    private final boolean failsEveryInput;

    public HsmkitException(ErrorKind kind, String message) {
        this(kind, message, null, null);
    }

    public HsmkitException(ErrorKind kind, String message, String hint) {
        this(kind, message, hint, null);
    }

    public HsmkitException(ErrorKind kind, String message, String hint, Throwable cause) {
        this(kind, message, hint, cause, false);
    }

    private HsmkitException(ErrorKind kind, String message, String hint, Throwable cause, boolean failsEveryInput) {
        super(message, cause);
        this.kind = kind;
        this.hint = hint;
        this.failsEveryInput = failsEveryInput;
    }

    /**
     * Whether the failure lies with the token or key, not with the input: the same operation on
     * any other input would fail the same way (the token went away, or it will not use the key
     * like this). A batch stops at such a failure instead of failing each of its files.
     */
    public boolean failsEveryInput() {
        return failsEveryInput;
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

    /** A key or token that cannot do the operation for any input; see {@link #failsEveryInput()}. */
    public static HsmkitException keyUnusable(String message, String hint, Throwable cause) {
        return new HsmkitException(ErrorKind.KEY, message, hint, cause, true);
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
