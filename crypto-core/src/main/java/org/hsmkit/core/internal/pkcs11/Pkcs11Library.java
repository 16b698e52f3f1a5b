package org.hsmkit.core.internal.pkcs11;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.xipki.pkcs11.wrapper.Logger;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.StaticLogger;

/**
 * One PKCS#11 module (.so) loaded in this process. A module may be initialised only once per
 * process, so every token of the module shares this object, found through {@link #load(Path)}.
 *
 * <p>Logins are per token and per process in PKCS#11 (every session of the process shares them);
 * tokens log in under {@link #loginLock} after checking their session state, so a process logs
 * in once. {@link #reinitialize()} runs C_Finalize and C_Initialize,
 * which makes a token that appeared since visible (SoftHSM2) and recovers from a removed card;
 * it invalidates every session and login, and bumps {@link #generation()} so that open tokens
 * know to open sessions, log in and find their keys again.
 */
final class Pkcs11Library {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("org.hsmkit.pkcs11");
    private static final Map<Path, Pkcs11Library> LOADED = new HashMap<>();

    static {
        // the binding logs a banner and INFO lines to stdout by default; keep them off the CLI's output
        StaticLogger.setLogger(new JulLogger());
    }

    private final Path path;
    private final PKCS11Module module;
    /** Read without the lock: token objects check it while holding their own. */
    private volatile int generation;
    /** Initialised by other code in this process: never finalised from here to refresh a listing. */
    private final boolean shared;
    /** Tokens of this module open in this process; while there are none, a listing may re-initialise freely. */
    private final AtomicInteger openTokens = new AtomicInteger();
    /** Held during a login (which may wait for a PIN prompt), so that one process logs in to a token once. */
    final Object loginLock = new Object();

    private Pkcs11Library(Path path, PKCS11Module module, boolean shared) {
        this.path = path;
        this.module = module;
        this.shared = shared;
    }

    /**
     * The loaded and initialised module at {@code path}, loading it on first use.
     *
     * @throws HsmkitException KEY when the file is missing or is not a PKCS#11 module
     */
    static Pkcs11Library load(Path path) {
        return load(path, false);
    }

    /**
     * As {@link #load}, with the module's token list as current as a new process would see it:
     * many modules (SoftHSM2 among them) fix their token list at C_Initialize, so a module loaded
     * earlier is initialised again — unless one of its tokens is open here (that would end the
     * token's sessions and login) or other code of this process initialised it.
     */
    static Pkcs11Library loadCurrent(Path path) {
        return load(path, true);
    }

    private static Pkcs11Library load(Path path, boolean current) {
        Path key;
        try {
            key = path.toRealPath();
        } catch (IOException e) {
            throw HsmkitException.key("the PKCS#11 module " + path + " does not exist",
                    "check the path given with --module, module-path= or HSMKIT_PKCS11_MODULE");
        }
        synchronized (LOADED) {
            Pkcs11Library lib = LOADED.get(key);
            if (lib != null) {
                if (current && !lib.shared && lib.openTokens.get() == 0) {
                    lib.reinitialize();
                }
                return lib;
            }
            if (!Files.isRegularFile(key)) {
                throw HsmkitException.key("the PKCS#11 module " + path + " is not a file", "name the module's .so file");
            }
            PKCS11Module m;
            try {
                m = PKCS11Module.getInstance(key.toString());
            } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
                throw new HsmkitException(ErrorKind.KEY, "cannot load the PKCS#11 module " + path + ": " + e.getMessage(),
                        "check that it is a PKCS#11 library for this machine's architecture", e);
            }
            boolean shared = false;
            try {
                m.initialize();
            } catch (PKCS11Exception e) {
                if (e.getErrorCode() != PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                    throw new HsmkitException(ErrorKind.KEY, "the PKCS#11 module " + path + " failed to initialise: "
                            + e.getErrorName(), "check the module's configuration (e.g. SOFTHSM2_CONF, opensc.conf)", e);
                }
                shared = true; // initialised by other code in this process: share it
            }
            lib = new Pkcs11Library(key, m, shared);
            LOADED.put(key, lib);
            return lib;
        }
    }

    Path path() {
        return path;
    }

    PKCS11Module module() {
        return module;
    }

    int generation() {
        return generation;
    }

    void tokenOpened() {
        openTokens.incrementAndGet();
    }

    void tokenClosed() {
        openTokens.decrementAndGet();
    }

    /** C_Finalize + C_Initialize; every session and login of every token of the module ends. */
    synchronized void reinitialize() {
        try {
            module.finalize(null);
        } catch (PKCS11Exception e) {
            LOG.log(Level.FINE, "C_Finalize of " + path + " failed", e);
        }
        try {
            module.initialize();
        } catch (PKCS11Exception e) {
            if (e.getErrorCode() != PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                throw new HsmkitException(ErrorKind.KEY, "the PKCS#11 module " + path + " failed to initialise again: "
                        + e.getErrorName(), null, e);
            }
        }
        generation++;
    }

    /** Routes the binding's log lines to java.util.logging at FINE and below. */
    private static final class JulLogger implements Logger {
        private static void log(Level level, String format, Object... args) {
            if (!LOG.isLoggable(level)) {
                return;
            }
            StringBuilder sb = new StringBuilder();
            int arg = 0;
            int i = 0;
            while (i < format.length()) {
                if (format.startsWith("{}", i) && args != null && arg < args.length) {
                    sb.append(args[arg++]);
                    i += 2;
                } else {
                    sb.append(format.charAt(i++));
                }
            }
            LOG.log(level, sb.toString());
        }

        @Override
        public void info(String format, Object... args) {
            log(Level.FINE, format, args);
        }

        @Override
        public void warn(String format, Object... args) {
            log(Level.FINE, format, args);
        }

        @Override
        public void error(String format, Object... args) {
            log(Level.FINE, format, args);
        }

        @Override
        public void debug(String format, Object... args) {
            log(Level.FINER, format, args);
        }

        @Override
        public void trace(String format, Object... args) {
            log(Level.FINEST, format, args);
        }

        @Override
        public boolean isDebugEnabled() {
            return LOG.isLoggable(Level.FINER);
        }

        @Override
        public boolean isInfoEnabled() {
            return LOG.isLoggable(Level.FINE);
        }

        @Override
        public boolean isWarnEnabled() {
            return LOG.isLoggable(Level.FINE);
        }

        @Override
        public boolean isTraceEnabled() {
            return LOG.isLoggable(Level.FINEST);
        }
    }
}
