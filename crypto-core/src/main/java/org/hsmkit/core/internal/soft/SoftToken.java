package org.hsmkit.core.internal.soft;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.DataObject;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenInfo;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.internal.DataObjectRules;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.pkcs11.KeySelector;
import org.hsmkit.core.internal.soft.Pkcs12Store.Contents;
import org.hsmkit.core.internal.soft.Pkcs12Store.DataEntry;
import org.hsmkit.core.internal.soft.Pkcs12Store.KeyEntry;

/**
 * The software token: private keys in a passphrase-protected PKCS#12 file (see {@link Pkcs12Store}
 * for the format). It behaves like a PKCS#11 token: keys have a label and an id, certificates are
 * stored with their key, keys without a certificate are allowed.
 *
 * <p>The file is created when the first key is stored (generated or imported), with a passphrase
 * asked twice; its directory is made readable by the owner only and the file gets mode 0600.
 * Listing a token whose file does not exist yet shows no keys and asks nothing. The passphrase is
 * asked once, the first time keys are needed, and kept (as {@code char[]}) until {@link #close()}.
 *
 * <p>Every change rewrites the whole file atomically (a temporary file beside it, written to the
 * disk, then a move), holding an advisory lock on a {@code .lock} file beside it and re-reading the
 * file first when another process changed it, so concurrent hsmkit processes do not lose each
 * other's keys, and a process killed during a change leaves the old file or the new one, never a
 * mix (its unfinished {@code .partial} file is removed by the next change).
 */
public final class SoftToken implements Token {
    private static final String TOKEN_LABEL = "hsmkit soft token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final TokenOptions options;
    private char[] passphrase;
    private Contents contents;
    private byte[] loadedHash;
    private boolean closed;

    private SoftToken(Path file, TokenOptions options) {
        this.file = file.toAbsolutePath().normalize();
        this.options = options;
    }

    /** {@code $XDG_DATA_HOME/hsmkit/soft-token.p12}, or {@code ~/.local/share/hsmkit/soft-token.p12}. */
    public static Path defaultPath() {
        return defaultPath(System.getenv());
    }

    /**
     * The same from the environment {@code env}: {@code $XDG_DATA_HOME}, else {@code $HOME/.local/share},
     * else (no HOME at all) the JVM's {@code user.home}.
     */
    public static Path defaultPath(java.util.Map<String, String> env) {
        String xdg = env.get("XDG_DATA_HOME");
        String home = env.get("HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".local", "share");
        return base.resolve("hsmkit").resolve("soft-token.p12");
    }

    /** Opens (lazily: nothing is read or asked yet) the software token kept in {@code file}. */
    public static Token open(Path file, TokenOptions options) {
        if (Files.isDirectory(file)) {
            throw new HsmkitException(ErrorKind.USAGE, "the soft token " + file + " is a directory",
                    "name a .p12 file, e.g. soft:" + file.resolve("token.p12"));
        }
        return new SoftToken(file, options);
    }

    /** Describes the token kept in {@code file} without reading its keys. */
    public static TokenInfo describe(Path file) {
        Path f = file.toAbsolutePath().normalize();
        boolean exists = Files.isRegularFile(f);
        List<String> flags = exists ? List.of("TOKEN_INITIALIZED", "LOGIN_REQUIRED", "USER_PIN_INITIALIZED")
                : List.of("LOGIN_REQUIRED");
        return new TokenInfo("soft", f.toString(), -1, TOKEN_LABEL, "hsmkit", "PKCS#12 file", "", flags,
                exists ? "ok" : "not initialised", OptionalInt.empty(), "soft:" + f);
    }

    @Override
    public synchronized TokenInfo info() {
        return describe(file);
    }

    @Override
    public synchronized List<TokenKey> keys() {
        return List.copyOf(softKeys(load()));
    }

    @Override
    public synchronized TokenKey key(String reference) {
        KeySelector selector = KeySelector.parse(reference);
        if (selector.uri().isPresent() && selector.uri().get().selectsToken()) {
            throw HsmkitException.key("the key URI '" + reference + "' names a PKCS#11 token, but the soft token is in use",
                    "select the token with -t pkcs11:..., or leave the token attributes out of the key URI");
        }
        return selector.pick(softKeys(load()), name());
    }

    @Override
    public synchronized List<X509Certificate> certificates() {
        return realCertificates(load());
    }

    @Override
    public synchronized TokenKey generateKey(KeyType type, String label, byte[] id) {
        requireLabel(label);
        KeyPair pair = generate(type);
        byte[] keyId = id == null ? KeyIds.of(pair.getPublic()) : id.clone();
        KeyEntry entry = new KeyEntry(Pkcs12Store.StoredKey.of(pair.getPrivate()), pair.getPublic(),
                PlaceholderCertificate.create(pair), label, keyId);
        Contents after = change(c -> {
            refuseDuplicate(c, label, keyId);
            return with(c, entry, List.of());
        });
        return toKey(entry, after);
    }

    private static KeyPair generate(KeyType type) {
        try {
            KeyPairGenerator g;
            if (type.isRsa()) {
                g = KeyPairGenerator.getInstance("RSA", Providers.bc());
                g.initialize(new RSAKeyGenParameterSpec(type.bits(), RSAKeyGenParameterSpec.F4), RANDOM);
            } else {
                g = KeyPairGenerator.getInstance("EC", Providers.bc());
                g.initialize(new ECGenParameterSpec(type.curveName().orElseThrow()), RANDOM);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new HsmkitException(ErrorKind.KEY, "cannot generate a " + type + " key: " + e.getMessage(), null, e);
        }
    }

    @Override
    public synchronized TokenKey storeCertificate(TokenKey key, X509Certificate certificate) {
        return storeCertificate(key, certificate, List.of());
    }

    @Override
    public synchronized TokenKey storeCertificate(TokenKey key, X509Certificate certificate, List<X509Certificate> issuers) {
        KeyIds.requireMatch(key, certificate);
        byte[] id = key.id();
        KeyEntry[] stored = new KeyEntry[1];
        Contents after = change(c -> {
            KeyEntry old = entryWithId(c, id, key.label());
            stored[0] = new KeyEntry(old.privateKey(), old.publicKey(), certificate, old.label(), old.id());
            List<X509Certificate> others = new ArrayList<>(c.otherCertificates());
            others.remove(certificate);
            return with(without(c.withKeys(c.keys(), others), old), stored[0], issuers);
        });
        return toKey(stored[0], after);
    }

    @Override
    public synchronized TokenKey importKey(PrivateKey privateKey, List<X509Certificate> chain, String label, byte[] id) {
        requireLabel(label);
        PrivateKey bcKey = PrivateKeys.toBc(privateKey);
        PublicKey publicKey = chain == null || chain.isEmpty() ? PrivateKeys.publicKeyOf(bcKey) : chain.get(0).getPublicKey();
        KeyTypes.of(publicKey); // refuses key types hsmkit cannot use, before anything is written
        if (!KeyIds.sameKey(publicKey, PrivateKeys.publicKeyOf(bcKey))) {
            throw HsmkitException.input("the certificate '" + org.hsmkit.core.NameFormat.format(chain.get(0).getSubjectX500Principal())
                    + "' does not belong to the private key being imported", "check the PKCS#12 file");
        }
        X509Certificate cert;
        if (chain == null || chain.isEmpty()) {
            cert = PlaceholderCertificate.create(new KeyPair(publicKey, bcKey));
        } else {
            cert = chain.get(0);
        }
        byte[] keyId = id == null ? KeyIds.of(publicKey) : id.clone();
        KeyEntry entry = new KeyEntry(Pkcs12Store.StoredKey.of(bcKey), publicKey, cert, label, keyId);
        List<X509Certificate> issuers = chain == null || chain.size() < 2 ? List.of() : chain.subList(1, chain.size());
        Contents after = change(c -> {
            refuseDuplicate(c, label, keyId);
            return with(c, entry, issuers);
        });
        return toKey(entry, after);
    }

    @Override
    public synchronized void deleteKey(TokenKey key) {
        byte[] id = key.id();
        change(c -> without(c, entryWithId(c, id, key.label())));
    }

    @Override
    public synchronized List<DataObject> dataObjects() {
        return load().data().stream().map(SoftToken::describe).toList();
    }

    @Override
    public synchronized DataObject writeData(String label, String application, byte[] value, boolean privateObject) {
        DataObjectRules.check(label, value);
        DataEntry entry = new DataEntry(label, application == null ? "" : application, value, privateObject);
        change(c -> {
            if (c.data().stream().anyMatch(d -> d.label().equals(label))) {
                throw DataObjectRules.exists(label, name());
            }
            List<DataEntry> data = new ArrayList<>(c.data());
            data.add(entry);
            return c.withData(data);
        });
        return describe(entry);
    }

    @Override
    public synchronized byte[] readData(String label) {
        return dataEntry(load(), label).value();
    }

    @Override
    public synchronized void deleteData(String label) {
        change(c -> {
            DataEntry doomed = dataEntry(c, label);
            List<DataEntry> data = new ArrayList<>(c.data());
            data.remove(doomed);
            return c.withData(data);
        });
    }

    private DataEntry dataEntry(Contents c, String label) {
        return c.data().stream().filter(d -> d.label().equals(label)).findFirst()
                .orElseThrow(() -> DataObjectRules.missing(label, name()));
    }

    private static DataObject describe(DataEntry d) {
        return new DataObject(d.label(), d.application(), d.value().length, d.privateObject());
    }

    /** Changes the passphrase: the file is written again under the new one, its keys unchanged. */
    @Override
    public void changePin(PinSource replacement) {
        if (!Files.exists(file)) {
            throw HsmkitException.key(name() + " does not exist yet: it gets its passphrase when the first key is stored",
                    "make a key first (hsmkit key generate)");
        }
        char[][] old = new char[1][];
        try {
            change(c -> {
                // the file was read (and the current passphrase checked) before this runs; it is written under the new one
                char[] fresh = replacement.pin("new passphrase for " + name(), true);
                if (fresh.length == 0) {
                    throw new HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "an empty passphrase cannot protect the soft token " + file,
                            "choose a passphrase");
                }
                Contents next = c.unsealed();
                old[0] = passphrase;
                passphrase = fresh;
                return next;
            });
        } catch (RuntimeException e) {
            if (old[0] != null) {
                Arrays.fill(passphrase, '\0');
                passphrase = old[0];
                old[0] = null;
            }
            throw e;
        } finally {
            if (old[0] != null) {
                Arrays.fill(old[0], '\0');
            }
        }
    }

    @Override
    public void randomBytes(byte[] out) {
        RANDOM.nextBytes(out);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (passphrase != null) {
            Arrays.fill(passphrase, '\0');
            passphrase = null;
        }
        contents = null;
    }

    // --- loading and storing ---

    private String name() {
        return "the soft token " + file;
    }

    /** How messages name it, as they name the other tokens. */
    @Override
    public String toString() {
        return name();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the soft token is closed");
        }
    }

    /** The contents, reading the file (and asking the passphrase) the first time. */
    private Contents load() {
        requireOpen();
        if (contents == null) {
            if (!Files.exists(file)) {
                return Contents.empty();
            }
            byte[] raw = readFile();
            if (passphrase == null) {
                passphrase = askPassphrase(false);
            }
            try {
                contents = Pkcs12Store.read(raw, passphrase, file.toString());
            } catch (PinException e) {
                Arrays.fill(passphrase, '\0');
                passphrase = null;
                throw e;
            }
            loadedHash = sha256(raw);
        }
        return contents;
    }

    /**
     * Applies a change under the file lock: re-reads the file when another process changed it,
     * creates it when missing (asking a new passphrase), writes the result atomically.
     */
    private Contents change(UnaryOperator<Contents> edit) {
        requireOpen();
        try {
            createDirectory();
            Path lockFile = file.resolveSibling("." + file.getFileName() + ".lock");
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                Contents base;
                if (Files.exists(file)) {
                    byte[] raw = readFile();
                    if (contents == null || !Arrays.equals(loadedHash, sha256(raw))) {
                        contents = null;
                        load();
                    }
                    base = contents;
                } else {
                    if (passphrase == null) {
                        passphrase = askPassphrase(true);
                    }
                    base = Contents.empty();
                }
                Contents next = edit.apply(base);
                byte[] encoded = Pkcs12Store.write(next, passphrase);
                try (AtomicOutput out = AtomicOutput.toFile(file, true).durable()) {
                    out.stream().write(encoded);
                    out.commit();
                }
                ownerOnly(file);
                contents = next;
                loadedHash = sha256(encoded);
                return next;
            }
        } catch (IOException e) {
            throw HsmkitException.io("cannot write " + name() + ": " + e.getMessage(), e);
        }
    }

    private static void ownerOnly(Path f) throws IOException {
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the temporary file's default permissions stand
        }
    }

    private void createDirectory() throws IOException {
        Path dir = file.getParent();
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
        }
    }

    private byte[] readFile() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + name() + ": " + e.getMessage(), e);
        }
    }

    private char[] askPassphrase(boolean create) {
        char[] p = options.pins().pin(create ? "New passphrase for the soft token " + file
                : "Passphrase for the soft token " + file, create);
        if (p == null || p.length == 0) {
            if (p != null) {
                Arrays.fill(p, '\0');
            }
            throw new PinException(create ? "an empty passphrase cannot protect the soft token " + file
                    : "no passphrase given for " + name(), "enter a passphrase (it protects the private keys)", null);
        }
        return p;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- contents ---

    private static void requireLabel(String label) {
        if (label == null || label.isBlank()) {
            throw new HsmkitException(ErrorKind.USAGE, "a key needs a label", "pass --label TEXT");
        }
    }

    private void refuseDuplicate(Contents c, String label, byte[] id) {
        for (KeyEntry k : c.keys()) {
            if (Arrays.equals(k.id(), id)) {
                throw HsmkitException.key("a key with id " + HexFormat.of().formatHex(id) + " exists on " + name()
                        + " ('" + k.label() + "')", "choose another --id, or delete the old key first");
            }
            if (k.label().equals(label)) {
                throw HsmkitException.key("a key labelled '" + label + "' exists on " + name(),
                        "choose another --label, or delete the old key first");
            }
        }
    }

    private KeyEntry entryWithId(Contents c, byte[] id, String label) {
        for (KeyEntry k : c.keys()) {
            if (Arrays.equals(k.id(), id)) {
                return k;
            }
        }
        throw HsmkitException.key("the key '" + label + "' (id " + HexFormat.of().formatHex(id) + ") is not on " + name(),
                "list the keys with: hsmkit key list");
    }

    private static Contents with(Contents c, KeyEntry entry, List<X509Certificate> issuers) {
        List<KeyEntry> keys = new ArrayList<>(c.keys());
        keys.add(entry);
        LinkedHashSet<X509Certificate> others = new LinkedHashSet<>(c.otherCertificates());
        others.addAll(issuers);
        for (KeyEntry k : keys) {
            others.remove(k.certificate());
        }
        return withPlaceholders(c.withKeys(keys, List.copyOf(others)));
    }

    private static Contents without(Contents c, KeyEntry entry) {
        List<KeyEntry> keys = new ArrayList<>(c.keys());
        keys.removeIf(k -> Arrays.equals(k.id(), entry.id()));
        return withPlaceholders(c.withKeys(keys, c.otherCertificates()));
    }

    /** Files made by other tools may hold keys without certificates: give them placeholders. */
    private static Contents withPlaceholders(Contents c) {
        List<KeyEntry> keys = new ArrayList<>();
        for (KeyEntry k : c.keys()) {
            keys.add(k.certificate() != null ? k : new KeyEntry(k.privateKey(), k.publicKey(),
                    PlaceholderCertificate.create(new KeyPair(k.publicKey(), k.privateKey().get())), k.label(), k.id()));
        }
        return c.withKeys(keys, c.otherCertificates());
    }

    private static List<X509Certificate> realCertificates(Contents c) {
        List<X509Certificate> all = new ArrayList<>();
        for (KeyEntry k : c.keys()) {
            if (k.certificate() != null && !PlaceholderCertificate.is(k.certificate())) {
                all.add(k.certificate());
            }
        }
        all.addAll(c.otherCertificates());
        return List.copyOf(all);
    }

    private static List<SoftKey> softKeys(Contents c) {
        List<SoftKey> keys = new ArrayList<>();
        for (KeyEntry k : c.keys()) {
            keys.add(toKey(k, c));
        }
        return keys;
    }

    private static SoftKey toKey(KeyEntry k, Contents c) {
        List<X509Certificate> chain = k.certificate() == null || PlaceholderCertificate.is(k.certificate()) ? List.of()
                : IssuerChain.build(k.certificate(), realCertificates(c));
        return new SoftKey(k.privateKey()::get, k.publicKey(), chain, k.label(), k.id());
    }
}
