package org.hsmkit.testdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fresh SoftHSM2 token for one test class, in the token directory named by the
 * {@code SOFTHSM2_CONF} file (the build sets {@code SOFTHSM2_CONF} to
 * {@code target/softhsm2/softhsm2.conf} of each module).
 *
 * <pre>
 * static SoftHsmToken hsm;
 * &#64;BeforeAll static void token() { hsm = SoftHsmToken.create("cms"); }
 * &#64;AfterAll static void done() { hsm.close(); }
 * ... TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.modulePath()), PinSource.of(hsm.userPin()), false))
 * </pre>
 *
 * <p>The first token made in a JVM writes the configuration file and empties its token directory
 * (leftovers of an earlier run), which must happen before the SoftHSM2 module is loaded in the
 * JVM: SoftHSM2 reads the configuration once, when it is initialised. Each token gets a label of
 * its own ({@code NAME-xxxxxx}), so test classes never see each other's keys. SoftHSM2 shows
 * a token made by {@code softhsm2-util} after the module was initialised only after the module
 * is initialised again; hsmkit's PKCS#11 layer does that when a URI matches no token.
 */
public final class SoftHsmToken implements AutoCloseable {
    /** The SO PIN of every fixture token. */
    public static final String SO_PIN = "13579135";
    /** The user PIN of every fixture token. */
    public static final String USER_PIN = "246810";

    private static final List<String> MODULE_CANDIDATES = List.of(
            "/usr/lib/softhsm/libsofthsm2.so",
            "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
            "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
            "/usr/lib64/pkcs11/libsofthsm2.so",
            "/usr/lib64/softhsm/libsofthsm2.so",
            "/usr/local/lib/softhsm/libsofthsm2.so",
            "/opt/homebrew/lib/softhsm/libsofthsm2.so");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static boolean configured;

    private final String label;
    private final Path modulePath;
    private final Path pinFile;
    private boolean closed;

    private SoftHsmToken(String label, Path modulePath, Path pinFile) {
        this.label = label;
        this.modulePath = modulePath;
        this.pinFile = pinFile;
    }

    /**
     * Initialises a new token labelled {@code name-xxxxxx} with {@link #SO_PIN} and
     * {@link #USER_PIN}.
     *
     * @param name a short name for the test class (at most 24 characters)
     */
    public static SoftHsmToken create(String name) {
        if (name.length() > 24) {
            throw new IllegalArgumentException("token names are at most 24 characters (PKCS#11 labels 32)");
        }
        ExternalTool.require("softhsm2-util", "softhsm2");
        Path module = modulePath();
        Path conf = configure();
        byte[] suffix = new byte[3];
        RANDOM.nextBytes(suffix);
        String label = name + "-" + HexFormat.of().formatHex(suffix);
        ExternalTool.run(conf.getParent(), "softhsm2-util", "--init-token", "--free", "--label", label,
                "--so-pin", SO_PIN, "--pin", USER_PIN).requireSuccess();
        try {
            Path pinFile = conf.getParent().resolve(label + ".pin");
            Files.deleteIfExists(pinFile);
            Files.createFile(pinFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pinFile, USER_PIN + "\n", StandardCharsets.US_ASCII);
            return new SoftHsmToken(label, module, pinFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the configuration file once per JVM, with an empty token directory beside it. */
    private static synchronized Path configure() {
        String confEnv = System.getenv("SOFTHSM2_CONF");
        if (confEnv == null || confEnv.isBlank()) {
            throw new AssertionError("SOFTHSM2_CONF is not set: the Maven build sets it for tests; when running tests "
                    + "another way, set it to a writable path such as target/softhsm2/softhsm2.conf");
        }
        Path conf = Path.of(confEnv).toAbsolutePath();
        if (configured) {
            return conf;
        }
        Path tokens = conf.getParent().resolve("tokens");
        try {
            if (Files.exists(tokens)) {
                try (Stream<Path> walk = Files.walk(tokens)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(tokens);
            Files.writeString(conf, "# written by the hsmkit SoftHSM2 test fixture\n"
                    + "directories.tokendir = " + tokens + "\n"
                    + "objectstore.backend = file\n"
                    + "log.level = ERROR\n"
                    + "slots.removable = false\n"
                    + "slots.mechanisms = ALL\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the SoftHSM2 configuration " + conf, e);
        }
        configured = true;
        return conf;
    }

    /**
     * The SoftHSM2 PKCS#11 module: {@code SOFTHSM2_MODULE} when set, else the first of the
     * usual install locations that exists.
     */
    public static Path modulePath() {
        List<String> tried = new ArrayList<>();
        String env = System.getenv("SOFTHSM2_MODULE");
        if (env != null && !env.isBlank()) {
            tried.add(env);
        }
        tried.addAll(MODULE_CANDIDATES);
        for (String p : tried) {
            if (Files.isRegularFile(Path.of(p))) {
                return Path.of(p);
            }
        }
        throw new AssertionError("the SoftHSM2 module libsofthsm2.so is not installed (tried " + String.join(", ", tried)
                + "); the test command installs it (apt-get install softhsm2), or set SOFTHSM2_MODULE");
    }

    /** The module of this token (same as {@link #modulePath()}). */
    public Path module() {
        return modulePath;
    }

    /** The token label, {@code NAME-xxxxxx}. */
    public String label() {
        return label;
    }

    /** The user PIN, as a fresh array. */
    public char[] userPin() {
        return USER_PIN.toCharArray();
    }

    /** The SO PIN, as a fresh array. */
    public char[] soPin() {
        return SO_PIN.toCharArray();
    }

    /** A file (mode 0600) holding the user PIN and a newline, for {@code --pin-file}. */
    public Path pinFile() {
        return pinFile;
    }

    /** A PKCS#11 URI selecting this token, such as {@code pkcs11:token=cms-a1b2c3}. */
    public String uri() {
        return "pkcs11:token=" + label;
    }

    /** {@link #uri()} with the module in a {@code module-path} query attribute. */
    public String uriWithModule() {
        return uri() + "?module-path=" + modulePath;
    }

    /**
     * Runs {@code pkcs11-tool --module M --token-label L --login --pin PIN ARGS...}, for objects
     * made outside hsmkit (for example a key pair without a certificate). Fails on a non-zero exit.
     */
    public ExternalTool.Result pkcs11Tool(String... args) {
        ExternalTool.require("pkcs11-tool", "opensc");
        List<String> cmd = new ArrayList<>(List.of("pkcs11-tool", "--module", modulePath.toString(),
                "--token-label", label, "--login", "--pin", USER_PIN));
        cmd.addAll(List.of(args));
        return ExternalTool.run(pinFile.getParent(), null, java.util.Map.of(), cmd).requireSuccess();
    }

    /** CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED: the PKCS#11 token flag bits. */
    public static final long USER_PIN_COUNT_LOW = 0x00010000L;
    public static final long USER_PIN_FINAL_TRY = 0x00020000L;
    public static final long USER_PIN_LOCKED = 0x00040000L;

    private static final long CKA_OS_TOKENLABEL = 0x80005349L;
    private static final long CKA_OS_TOKENFLAGS = 0x8000534BL;

    /**
     * Sets and clears token flag bits in SoftHSM2's own token file, to put the token in a PIN
     * state SoftHSM2 never reaches by itself (it has no retry limit: a wrong PIN only sets
     * USER_PIN_COUNT_LOW). For example {@code setTokenFlags(USER_PIN_FINAL_TRY, 0)} makes the
     * token look like a card after its second-to-last wrong PIN.
     *
     * <p>The token file ({@code token.object}) is a generation counter followed by attributes
     * (type, kind, value; kind 1 = one byte, 2 = 64-bit number, 3 = length and bytes, all
     * big-endian). The flags are attribute CKA_OS_TOKENFLAGS; incrementing the generation makes a
     * loaded SoftHSM2 module read the file again. A login with the right PIN clears the count
     * flags again, as on a card.
     */
    public void setTokenFlags(long on, long off) {
        Path object = tokenObject();
        try {
            byte[] b = Files.readAllBytes(object);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
            int flagsAt = -1;
            int i = 8;
            while (i + 16 <= b.length) {
                long type = buf.getLong(i);
                long kind = buf.getLong(i + 8);
                int value = i + 16;
                if (type == CKA_OS_TOKENFLAGS && kind == 2) {
                    flagsAt = value;
                    break;
                }
                if (kind == 1) {
                    i = value + 1;
                } else if (kind == 2) {
                    i = value + 8;
                } else if (kind == 3) {
                    i = value + 8 + (int) buf.getLong(value);
                } else {
                    break;
                }
            }
            if (flagsAt < 0) {
                throw new AssertionError("no token flags in " + object + " (another SoftHSM2 file format?)");
            }
            buf.putLong(flagsAt, (buf.getLong(flagsAt) | on) & ~off);
            buf.putLong(0, buf.getLong(0) + 1);
            Files.write(object, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code token.object} file whose label attribute is this token's label. */
    private Path tokenObject() {
        Path tokens = configure().getParent().resolve("tokens");
        try (Stream<Path> dirs = Files.list(tokens)) {
            for (Path dir : dirs.toList()) {
                Path object = dir.resolve("token.object");
                if (Files.isRegularFile(object) && label.equals(labelIn(Files.readAllBytes(object)))) {
                    return object;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no SoftHSM2 token file for " + label + " in " + tokens);
    }

    private static String labelIn(byte[] b) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
        if (b.length >= 32 && buf.getLong(8) == CKA_OS_TOKENLABEL && buf.getLong(16) == 3) {
            int len = (int) buf.getLong(24);
            if (32 + len <= b.length) {
                return new String(b, 32, len, StandardCharsets.UTF_8).strip();
            }
        }
        return null;
    }

    /** Deletes the token and its PIN file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ExternalTool.run(pinFile.getParent(), "softhsm2-util", "--delete-token", "--token", label);
        try {
            Files.deleteIfExists(pinFile);
        } catch (IOException ignored) {
            // the build directory is removed by mvn clean
        }
    }

    @Override
    public String toString() {
        return "SoftHSM2 token " + label;
    }
}
