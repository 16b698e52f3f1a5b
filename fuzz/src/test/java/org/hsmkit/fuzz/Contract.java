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
     * {@link HsmkitException} of an allowed kind. A call over budget is run once more (after
     * {@code reset}) and fails only if it is over budget again: the first use of a code path also
     * pays for initialising its classes, which says nothing about the input.
     *
     * @param budget the most bytes the call may allocate, in total, on this thread
     * @param reset undoes what a completed call left behind (an output file), before the second run
     * @throws AssertionError for a refusal of another kind, or too much allocation twice
     */
    static <T> T call(String what, long budget, Set<ErrorKind> allowed, Runnable reset, Work<T> work) throws Exception {
        Measured<T> first = measure(what, allowed, work);
        if (first.allocated <= budget) {
            return first.result;
        }
        reset.run();
        Measured<T> again = measure(what, allowed, work);
        if (again.allocated > budget) {
            throw new AssertionError(what + " allocated " + again.allocated + " bytes (budget " + budget + ")");
        }
        return again.result;
    }

    static <T> T call(String what, long budget, Set<ErrorKind> allowed, Work<T> work) throws Exception {
        return call(what, budget, allowed, () -> { }, work);
    }

    private record Measured<T>(T result, long allocated) {
    }

    private static <T> Measured<T> measure(String what, Set<ErrorKind> allowed, Work<T> work) throws Exception {
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
        return new Measured<>(result, THREADS.getCurrentThreadAllocatedBytes() - before);
    }

    /** A decryption into a file: what it says about itself, and the bytes it committed. */
    record Released<D>(D result, byte[] plaintext) {
    }

    /** A decryption writing to {@code out}. */
    @FunctionalInterface
    interface Decryption<D> {
        D run(org.hsmkit.core.AtomicOutput out) throws Exception;
    }

    /**
     * Runs {@code work} through {@link #call} into a file in the empty scratch directory {@code dir}:
     * the result with the committed bytes, or {@code null} when it refused the input, after
     * checking that the refusal left nothing in {@code dir}. Leaves {@code dir} empty.
     */
    static <D> Released<D> decryptToFile(String what, long budget, Set<ErrorKind> allowed, Path dir, Decryption<D> work) throws Exception {
        Path target = dir.resolve("plain");
        clear(dir);
        D d = call(what, budget, allowed, () -> clearUnchecked(dir), () -> {
            try (org.hsmkit.core.AtomicOutput out = org.hsmkit.core.AtomicOutput.toFile(target, false)) {
                return work.run(out);
            }
        });
        try {
            if (d == null) {
                if (!files(dir).isEmpty()) {
                    throw new AssertionError("a refused decryption left files: " + files(dir));
                }
                return null;
            }
            return new Released<>(d, Files.readAllBytes(target));
        } finally {
            clear(dir);
        }
    }

    /** The names of the files in {@code dir}. */
    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static void clearUnchecked(Path dir) {
        try {
            clear(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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
