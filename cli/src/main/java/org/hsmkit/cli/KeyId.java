package org.hsmkit.cli;

import java.util.HexFormat;
import java.util.Locale;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A key identifier (CKA_ID) as the user writes it: hex digits, optionally with a {@code 0x}
 * prefix, colons, or the {@code %xx} escapes of a PKCS#11 URI ({@code 01}, {@code 0x01},
 * {@code a1:b2}, {@code %a1%b2}). Shown as lower-case hex.
 */
final class KeyId {
    private final byte[] bytes;

    private KeyId(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The id's bytes (a copy); {@code null} for a null id, meaning "let the token choose". */
    static byte[] bytesOf(KeyId id) {
        return id == null ? null : id.bytes.clone();
    }

    static KeyId parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("0x")) {
            t = t.substring(2);
        }
        t = t.replace(":", "").replace("%", "");
        if (t.isEmpty() || t.length() % 2 != 0 || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new TypeConversionException("'" + text + "' is not a key id: give an even number of hex digits, such as 01 or 4a3f");
        }
        return new KeyId(HexFormat.of().parseHex(t));
    }

    static String hex(byte[] id) {
        return id.length == 0 ? "-" : HexFormat.of().formatHex(id);
    }

    @Override
    public String toString() {
        return hex(bytes);
    }

    /** For {@code --id HEX} options. */
    static final class Converter implements ITypeConverter<KeyId> {
        @Override
        public KeyId convert(String value) {
            return parse(value);
        }
    }
}
