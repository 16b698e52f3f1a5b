package org.hsmkit.core;

/**
 * What kind of failure an {@link HsmkitException} reports. The CLI maps each kind to one
 * documented exit code; library callers can branch on it without parsing messages.
 */
public enum ErrorKind {
    /** A signature, certificate path or authentication tag did not verify. Exit code 1. */
    VERIFICATION_FAILED(1),
    /** The caller asked for something that makes no sense (bad option combination). Exit code 2. */
    USAGE(2),
    /** Token, key, PIN or mechanism problem. Exit code 3. */
    KEY(3),
    /** Input is malformed, of the wrong format, or not what the operation needs. Exit code 4. */
    INPUT(4),
    /** Reading or writing a file or the network failed. Exit code 5. */
    IO(5);

    private final int exitCode;

    ErrorKind(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The process exit code the CLI uses for this kind. */
    public int exitCode() {
        return exitCode;
    }
}
