package org.hsmkit.core.internal.pkcs11;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * A parsed RFC 7512 PKCS#11 URI such as {@code pkcs11:token=SmartCard-HSM;object=mail;id=%01?module-path=/usr/lib/x.so}.
 *
 * <p>Path attributes understood: {@code token}, {@code manufacturer}, {@code serial}, {@code model},
 * {@code slot-id}, {@code slot-description}, {@code object}, {@code id} (percent-encoded bytes) and
 * {@code type}. {@code library-*} and {@code slot-manufacturer} are accepted and not used for
 * matching (the module is chosen by {@code module-path}); vendor attributes ({@code x-...}) are
 * ignored as RFC 7512 allows. Query attributes: {@code module-path} and {@code pin-source}
 * (a {@code file:} URI or a path). {@code pin-value} is refused: a PIN on a command line ends up
 * in shell history and process lists.
 *
 * <p>An absent attribute matches anything; values compare exactly (after percent-decoding).
 */
public final class Pkcs11Uri {
    private static final Set<String> IGNORED_PATH = Set.of("library-manufacturer", "library-description",
            "library-version", "slot-manufacturer");
    private static final Set<String> TYPES = Set.of("private", "public", "cert", "secret-key", "data");
    private static final String HINT = "write it like pkcs11:token=MyToken;object=mykey;id=%01 "
            + "(attributes: token, manufacturer, serial, model, slot-id, slot-description, object, id, type; "
            + "query: ?module-path=PATH&pin-source=file:PATH)";

    private final String text;
    private final Map<String, String> path;
    private final byte[] id;
    private final OptionalLong slotId;
    private final Optional<Path> modulePath;
    private final Optional<Path> pinFile;

    private Pkcs11Uri(String text, Map<String, String> path, byte[] id, OptionalLong slotId, Optional<Path> modulePath,
            Optional<Path> pinFile) {
        this.text = text;
        this.path = path;
        this.id = id;
        this.slotId = slotId;
        this.modulePath = modulePath;
        this.pinFile = pinFile;
    }

    /** True when the text starts with the {@code pkcs11:} scheme (any case). */
    public static boolean isUri(String text) {
        return text != null && text.regionMatches(true, 0, "pkcs11:", 0, 7);
    }

    /**
     * Parses a PKCS#11 URI.
     *
     * @throws HsmkitException of kind USAGE naming what is wrong and how to write it
     */
    public static Pkcs11Uri parse(String text) {
        if (!isUri(text)) {
            throw bad(text, "it does not start with pkcs11:");
        }
        String rest = text.substring(7);
        String pathPart = rest;
        String queryPart = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            pathPart = rest.substring(0, q);
            queryPart = rest.substring(q + 1);
        }
        Map<String, String> path = new LinkedHashMap<>();
        byte[] id = null;
        OptionalLong slotId = OptionalLong.empty();
        if (!pathPart.isEmpty()) {
            for (String attr : pathPart.split(";", -1)) {
                int eq = attr.indexOf('=');
                if (eq <= 0) {
                    throw bad(text, attr.isEmpty() ? "it has an empty attribute (two ';' in a row or a trailing ';')"
                            : "the attribute '" + attr + "' has no '=value'");
                }
                String name = attr.substring(0, eq).toLowerCase(Locale.ROOT);
                String raw = attr.substring(eq + 1);
                if (path.containsKey(name)) {
                    throw bad(text, "the attribute '" + name + "' appears twice");
                }
                switch (name) {
                    case "token", "manufacturer", "serial", "model", "slot-description", "object" ->
                        path.put(name, decodeText(text, name, raw));
                    case "id" -> {
                        id = decode(text, name, raw);
                        path.put(name, raw);
                    }
                    case "slot-id" -> {
                        String v = decodeText(text, name, raw);
                        try {
                            slotId = OptionalLong.of(Long.parseLong(v));
                        } catch (NumberFormatException e) {
                            throw bad(text, "slot-id must be a decimal number, not '" + v + "'");
                        }
                        path.put(name, v);
                    }
                    case "type" -> {
                        String v = decodeText(text, name, raw);
                        if (!TYPES.contains(v)) {
                            throw bad(text, "type must be one of private, public, cert, secret-key, data, not '" + v + "'");
                        }
                        path.put(name, v);
                    }
                    default -> {
                        if (IGNORED_PATH.contains(name) || name.startsWith("x-")) {
                            decode(text, name, raw); // still checks the syntax
                            path.put(name, raw);
                        } else {
                            throw bad(text, "the attribute '" + name + "' is unknown");
                        }
                    }
                }
            }
        }
        Optional<Path> module = Optional.empty();
        Optional<Path> pinFile = Optional.empty();
        if (queryPart != null && !queryPart.isEmpty()) {
            Set<String> seen = new java.util.HashSet<>();
            for (String attr : queryPart.split("&", -1)) {
                int eq = attr.indexOf('=');
                if (eq <= 0) {
                    throw bad(text, "the query attribute '" + attr + "' has no '=value'");
                }
                String name = attr.substring(0, eq).toLowerCase(Locale.ROOT);
                if (!seen.add(name)) {
                    throw bad(text, "the query attribute '" + name + "' appears twice");
                }
                switch (name) {
                    case "pin-value" -> throw new HsmkitException(ErrorKind.USAGE,
                            "the PKCS#11 URI carries a PIN (pin-value); hsmkit does not take PINs in URIs or on the command line",
                            "put the PIN in a file readable only by you and use pin-source=file:PATH, --pin-file or --pin-env");
                    case "module-path" -> {
                        String v = decodeText(text, name, attr.substring(eq + 1));
                        if (v.isEmpty()) {
                            throw bad(text, "module-path is empty");
                        }
                        module = Optional.of(path(text, name, v));
                    }
                    case "pin-source" -> {
                        String v = decodeText(text, name, attr.substring(eq + 1));
                        pinFile = Optional.of(pinSourcePath(text, v));
                    }
                    case "module-name" -> throw bad(text,
                            "module-name is not supported; give the module file with module-path=PATH or --module");
                    default -> {
                        if (!name.startsWith("x-")) {
                            throw bad(text, "the query attribute '" + name + "' is unknown");
                        }
                    }
                }
            }
        }
        return new Pkcs11Uri(text, path, id, slotId, module, pinFile);
    }

    private static Path pinSourcePath(String text, String v) {
        String p = v;
        if (v.regionMatches(true, 0, "file:", 0, 5)) {
            p = v.substring(5);
            if (p.startsWith("//")) {
                // file://host/path: only the local host (empty or localhost) makes sense
                int slash = p.indexOf('/', 2);
                String host = slash < 0 ? p.substring(2) : p.substring(2, slash);
                if (!host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
                    throw bad(text, "pin-source names a file on another host (" + host + ")");
                }
                p = slash < 0 ? "" : p.substring(slash);
            }
        } else if (v.contains(":") && !v.startsWith("/")) {
            throw bad(text, "pin-source must be a file: URI or a file path, not '" + v + "'");
        }
        if (p.isEmpty()) {
            throw bad(text, "pin-source names no file");
        }
        return path(text, "pin-source", p);
    }

    private static Path path(String text, String name, String value) {
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw bad(text, "the " + name + " '" + value.replace('\0', '?') + "' is not a file path (" + e.getReason() + ")");
        }
    }

    private static HsmkitException bad(String text, String why) {
        return new HsmkitException(ErrorKind.USAGE, "bad PKCS#11 URI '" + text + "': " + why, HINT);
    }

    private static String decodeText(String text, String name, String raw) {
        byte[] b = decode(text, name, raw);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw bad(text, "the value of '" + name + "' is not UTF-8 text");
        }
    }

    private static byte[] decode(String text, String name, String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw bad(text, "'%' in '" + name + "' must be followed by two hex digits");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw bad(text, "'%" + raw.charAt(i + 1) + raw.charAt(i + 2) + "' in '" + name
                            + "' is not a percent-encoded byte");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    b = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }

    /** Percent-encodes a value for a URI path attribute (everything but unreserved characters). */
    public static String encode(byte[] value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    /** Percent-encodes text as UTF-8. */
    public static String encode(String value) {
        return encode(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Percent-encodes every byte of an id, as {@code %01%A2}. */
    public static String encodeId(byte[] id) {
        StringBuilder sb = new StringBuilder();
        for (byte b : id) {
            sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return sb.toString();
    }

    /** A URI that selects one token by its label, manufacturer, model and serial number. */
    public static String forToken(String label, String manufacturer, String model, String serial) {
        StringBuilder sb = new StringBuilder("pkcs11:");
        append(sb, "model", model);
        append(sb, "manufacturer", manufacturer);
        append(sb, "serial", serial);
        append(sb, "token", label);
        return sb.toString();
    }

    /** A URI that selects one key on a token (token URI + id + label + type=private). */
    public static String forKey(String tokenUri, byte[] id, String label) {
        StringBuilder sb = new StringBuilder(tokenUri);
        if (id != null && id.length > 0) {
            sb.append(sb.length() > 7 ? ";" : "").append("id=").append(encodeId(id));
        }
        if (label != null && !label.isEmpty()) {
            sb.append(sb.length() > 7 ? ";" : "").append("object=").append(encode(label));
        }
        sb.append(sb.length() > 7 ? ";" : "").append("type=private");
        return sb.toString();
    }

    private static void append(StringBuilder sb, String name, String value) {
        if (value != null && !value.isEmpty()) {
            sb.append(sb.length() > 7 ? ";" : "").append(name).append('=').append(encode(value));
        }
    }

    public Optional<String> token() {
        return Optional.ofNullable(path.get("token"));
    }

    public Optional<String> manufacturer() {
        return Optional.ofNullable(path.get("manufacturer"));
    }

    public Optional<String> serial() {
        return Optional.ofNullable(path.get("serial"));
    }

    public Optional<String> model() {
        return Optional.ofNullable(path.get("model"));
    }

    public OptionalLong slotId() {
        return slotId;
    }

    public Optional<String> slotDescription() {
        return Optional.ofNullable(path.get("slot-description"));
    }

    public Optional<String> object() {
        return Optional.ofNullable(path.get("object"));
    }

    /** The decoded id bytes; a copy. */
    public Optional<byte[]> id() {
        return Optional.ofNullable(id).map(byte[]::clone);
    }

    public Optional<String> type() {
        return Optional.ofNullable(path.get("type"));
    }

    public Optional<Path> modulePath() {
        return modulePath;
    }

    /** The file named by {@code pin-source}. */
    public Optional<Path> pinFile() {
        return pinFile;
    }

    /** Whether any attribute that selects a token is present. */
    public boolean selectsToken() {
        return token().isPresent() || manufacturer().isPresent() || serial().isPresent() || model().isPresent()
                || slotId.isPresent() || slotDescription().isPresent();
    }

    /** Whether any attribute that selects an object ({@code object}, {@code id}, {@code type}) is present. */
    public boolean selectsObject() {
        return object().isPresent() || id != null || type().isPresent();
    }

    /** Whether the token attributes match a token's description (absent attributes match anything). */
    public boolean matchesToken(long slot, String slotDescription, String label, String manufacturer, String model,
            String serial) {
        return (slotId.isEmpty() || slotId.getAsLong() == slot)
                && matches(slotDescription(), slotDescription)
                && matches(token(), label)
                && matches(manufacturer(), manufacturer)
                && matches(model(), model)
                && matches(serial(), serial);
    }

    private static boolean matches(Optional<String> wanted, String actual) {
        return wanted.isEmpty() || wanted.get().equals(actual == null ? "" : actual.strip());
    }

    @Override
    public String toString() {
        return text;
    }
}
