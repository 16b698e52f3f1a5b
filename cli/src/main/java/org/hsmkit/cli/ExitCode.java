package org.hsmkit.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import org.hsmkit.core.ErrorKind;

/**
 * The documented exit codes, in one place: the constants commands return, and the table every
 * command's {@code --help} shows. Failures reported as {@link org.hsmkit.core.HsmkitException}
 * take the code of their {@link ErrorKind} (the same numbers; a test keeps them equal). 130 and
 * the other 128 + signal codes are the JVM's own, after its shutdown hooks removed work files.
 */
public final class ExitCode {
    public static final int OK = 0;
    public static final int VERIFICATION_FAILED = 1;
    public static final int USAGE = 2;
    public static final int KEY = 3;
    public static final int INPUT = 4;
    public static final int IO = 5;

    private ExitCode() {
    }

    /** Code → meaning, in order, as shown under "Exit codes:" in every help text. */
    public static Map<String, String> descriptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(String.valueOf(OK), "success");
        m.put(String.valueOf(VERIFICATION_FAILED), "verification failed (bad signature, untrusted, tampered)");
        m.put(String.valueOf(USAGE), "usage error (bad option or argument, existing output without --force)");
        m.put(String.valueOf(KEY), "key, token or PIN problem");
        m.put(String.valueOf(INPUT), "input or format error");
        m.put(String.valueOf(IO), "I/O error");
        m.put("130", "interrupted by Ctrl-C (143: SIGTERM, 129: SIGHUP); unfinished output is removed");
        return m;
    }

    /** The exit code for an error kind. */
    public static int of(ErrorKind kind) {
        return kind.exitCode();
    }
}
