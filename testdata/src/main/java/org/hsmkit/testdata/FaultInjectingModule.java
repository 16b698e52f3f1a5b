package org.hsmkit.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A fault-injecting PKCS#11 module around SoftHSM2 (C source in testdata's resources,
 * {@code fault-injector/pkcs11-fault-injector.c}, built here with gcc): it passes every call to
 * SoftHSM2, makes the calls a plan names fail with the return values the plan gives, can add PIN
 * flags to what C_GetTokenInfo reports, and logs every call so that tests can count them.
 *
 * <p>It wraps a private copy of SoftHSM2's library, so its SoftHSM2 instance (sessions, logins,
 * C_Finalize) is separate from one the same JVM loads directly; both read the same token files.
 */
public final class FaultInjectingModule {
    private static final String SOURCE = "fault-injector/pkcs11-fault-injector.c";

    private final Path module;
    private final Path plan;
    private final Path log;

    private FaultInjectingModule(Path module, Path plan, Path log) {
        this.module = module;
        this.plan = plan;
        this.log = log;
    }

    /**
     * Builds (once per directory) the module in {@code dir}: a copy of SoftHSM2's library and the
     * shim compiled against it, with its plan file and call log beside them.
     */
    public static synchronized FaultInjectingModule build(Path dir) {
        ExternalTool.require("gcc", "gcc");
        try {
            Files.createDirectories(dir);
            Path abs = dir.toAbsolutePath();
            Path real = abs.resolve("libsofthsm2-copy.so");
            Path source = abs.resolve("pkcs11-fault-injector.c");
            Path module = abs.resolve("libpkcs11-fault-injector.so");
            Path plan = abs.resolve("fault-plan");
            Path log = abs.resolve("calls.log");
            if (!Files.exists(module)) {
                Files.copy(SoftHsmToken.modulePath(), real, StandardCopyOption.REPLACE_EXISTING);
                try (InputStream in = FaultInjectingModule.class.getClassLoader().getResourceAsStream(SOURCE)) {
                    Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
                }
                ExternalTool.run(abs, null, Map.of(), List.of("gcc", "-shared", "-fPIC", "-O1", "-Wall",
                        "-DREAL_MODULE=\"" + real + "\"", "-DPLAN_FILE=\"" + plan + "\"",
                        "-o", module.toString(), source.toString(), "-ldl", "-lpthread")).requireSuccess();
            }
            FaultInjectingModule m = new FaultInjectingModule(module, plan, log);
            m.plan();
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The module to load instead of SoftHSM2's. */
    public Path path() {
        return module;
    }

    /**
     * Replaces the plan (call counts start again from zero) and empties the call log. Lines as the
     * C source documents: {@code fail C_Sign 1 0x32}, {@code fail-after C_Decrypt * 0x5},
     * {@code flags +0x20000}. The log is always on.
     */
    public void plan(String... lines) {
        try {
            Files.deleteIfExists(log);
            String text = "log " + log + "\n" + String.join("\n", lines) + "\n# " + System.nanoTime() + "\n";
            Path tmp = plan.resolveSibling(plan.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, plan, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The calls since the plan was written, one per line: {@code C_Sign 0x0} (with {@code injected} for faults). */
    public List<String> calls() {
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.US_ASCII) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many times {@code function} was called since the plan was written. */
    public long count(String function) {
        return calls().stream().filter(l -> l.startsWith(function + " ")).count();
    }

    /** Counts per function, for messages. */
    public Map<String, Long> counts() {
        return calls().stream().collect(Collectors.groupingBy(l -> l.split(" ")[0], java.util.TreeMap::new, Collectors.counting()));
    }
}
