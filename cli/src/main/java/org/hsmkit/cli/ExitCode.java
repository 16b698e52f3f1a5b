package org.hsmkit.cli;

/** The documented exit codes, in one place. */
public final class ExitCode {
    public static final int OK = 0;
    public static final int VERIFICATION_FAILED = 1;
    public static final int USAGE = 2;
    public static final int KEY = 3;
    public static final int INPUT = 4;
    public static final int IO = 5;

    private ExitCode() {
    }
}
