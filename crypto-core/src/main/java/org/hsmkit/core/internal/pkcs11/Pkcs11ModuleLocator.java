package org.hsmkit.core.internal.pkcs11;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * Finds the PKCS#11 module to load: the one given explicitly ({@code --module} or
 * {@code TokenOptions.module()}, or {@code module-path} in the URI), else
 * {@code HSMKIT_PKCS11_MODULE}, else the first OpenSC module found at its usual places.
 */
public final class Pkcs11ModuleLocator {
    /** Where OpenSC's {@code opensc-pkcs11.so} is installed by Debian/Ubuntu, Fedora, source builds and macOS. */
    public static final List<String> WELL_KNOWN = List.of(
            "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
            "/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so",
            "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
            "/usr/lib/aarch64-linux-gnu/pkcs11/opensc-pkcs11.so",
            "/usr/lib64/opensc-pkcs11.so",
            "/usr/lib64/pkcs11/opensc-pkcs11.so",
            "/usr/local/lib/opensc-pkcs11.so",
            "/usr/local/lib/pkcs11/opensc-pkcs11.so",
            "/Library/OpenSC/lib/opensc-pkcs11.so");

    static final String ENV = "HSMKIT_PKCS11_MODULE";

    private Pkcs11ModuleLocator() {
    }

    /** Locates with the process environment and the real file system. */
    public static Path locate(Optional<Path> option, Optional<Path> fromUri) {
        return locate(option, fromUri, System::getenv, Files::isRegularFile, WELL_KNOWN);
    }

    /**
     * Locates a module.
     *
     * @param option {@code --module} / {@code TokenOptions.module()}
     * @param fromUri {@code module-path} of the token URI
     * @throws HsmkitException USAGE when two different modules are given; KEY when a given module
     *         does not exist or none is found, listing every path tried
     */
    static Path locate(Optional<Path> option, Optional<Path> fromUri, Function<String, String> env, Predicate<Path> exists,
            List<String> wellKnown) {
        if (option.isPresent() && fromUri.isPresent() && !option.get().equals(fromUri.get())) {
            throw new HsmkitException(ErrorKind.USAGE, "two PKCS#11 modules given: --module " + option.get()
                    + " and module-path=" + fromUri.get() + " in the URI", "give the module once");
        }
        Optional<Path> explicit = option.isPresent() ? option : fromUri;
        if (explicit.isPresent()) {
            return requireExisting(explicit.get(), "given", exists);
        }
        String fromEnv = env.apply(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return requireExisting(Path.of(fromEnv.trim()), "named by " + ENV, exists);
        }
        List<String> tried = new ArrayList<>();
        for (String candidate : wellKnown) {
            Path p = Path.of(candidate);
            if (exists.test(p)) {
                return p;
            }
            tried.add(candidate);
        }
        throw HsmkitException.key("no PKCS#11 module found; tried " + String.join(", ", tried),
                "install OpenSC (apt-get install opensc-pkcs11), or name the module with --module PATH, "
                        + "module-path=PATH in the URI, or " + ENV + "=PATH");
    }

    private static Path requireExisting(Path p, String how, Predicate<Path> exists) {
        if (!exists.test(p)) {
            throw HsmkitException.key("the PKCS#11 module " + p + " (" + how + ") does not exist",
                    "check the path; OpenSC's module is usually " + WELL_KNOWN.get(0) + " or " + WELL_KNOWN.get(1));
        }
        return p;
    }
}
