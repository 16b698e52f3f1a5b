package org.hsmkit.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * What every fuzz target checks besides "no crash": only an {@link HsmkitException} of the kinds
 * the API documents for the call may escape (anything else — another exception, an assertion, an
 * out-of-memory error — is a finding), and the call allocates no more than a budget that grows with
 * the input, so that no allocation follows a length field before the bytes exist. Time per input is
 * bounded by the campaign's per-input timeout ({@code bench/fuzz.sh}).
 *
 * <p>Adding a target: a class {@code XFuzzTest} with one {@code @FuzzTest} method that runs the parser
 * through {@link #call}, plus seed files in {@code testdata/src/main/resources/org/hsmkit/fuzz/XFuzzTestInputs/METHOD/}.
 */
final class Contract {
    /** Fixed part of every allocation budget: buffers, parser state, class initialisation. */
    static final long BASE_BUDGET = 96L << 20;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Contract() {
    }

    /** A parse or verification step. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws Exception;
    }

    /** Kinds a reader of outside input may report. */
    static Set<ErrorKind> inputKinds(ErrorKind... more) {
        EnumSet<ErrorKind> s = EnumSet.of(ErrorKind.INPUT);
        s.addAll(List.of(more));
        return s;
    }

    /** {@link #BASE_BUDGET} plus {@code perInputByte} for each byte of input. */
    static long budget(int inputLength, long perInputByte) {
        return BASE_BUDGET + perInputByte * inputLength;
    }

    /**
     * Runs {@code work}: returns its result, or {@code null} when it refused the input with an
     * {@link HsmkitException} of an allowed kind.
     *
     * @param budget the most bytes the call may allocate, in total, on this thread
     * @throws AssertionError for a refusal of another kind, or too much allocation
     */
    static <T> T call(String what, long budget, Set<ErrorKind> allowed, Work<T> work) throws Exception {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        T result;
        try {
            result = work.run();
        } catch (HsmkitException e) {
            if (!allowed.contains(e.kind())) {
                throw new AssertionError(what + " failed with kind " + e.kind() + " (allowed: " + allowed + "): " + e.getMessage(), e);
            }
            result = null;
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        if (allocated > budget) {
            throw new AssertionError(what + " allocated " + allocated + " bytes (budget " + budget + ")");
        }
        return result;
    }

    /** The names of the files in {@code dir}. */
    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Empties a scratch directory (not recursively: targets write flat). */
    static void clear(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
    }
}
