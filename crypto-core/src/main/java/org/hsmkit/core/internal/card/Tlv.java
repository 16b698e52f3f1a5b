package org.hsmkit.core.internal.card;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One BER-TLV data object as smart cards and card verifiable certificates use them: tags of one to
 * three bytes (0x7F21, 0x5F37, ...), definite lengths up to 0xFFFFFF. Parsing is strict: a length
 * that runs past the end of the input is refused rather than truncated.
 *
 * @param tag the tag bytes as one number (0x7F21 for the two-byte tag 7F 21)
 * @param value the value field
 */
public record Tlv(int tag, byte[] value) {

    public Tlv {
        value = value.clone();
    }

    /** Whether the tag says the value holds further data objects. */
    public boolean constructed() {
        int first = tag;
        while (first > 0xFF) {
            first >>>= 8;
        }
        return (first & 0x20) != 0;
    }

    /** The data objects inside a constructed value. */
    public List<Tlv> children() {
        return parseAll(value);
    }

    /** The first child with {@code childTag}, if any. */
    public Optional<Tlv> child(int childTag) {
        return children().stream().filter(t -> t.tag == childTag).findFirst();
    }

    /** The child with {@code childTag}; an {@link IllegalArgumentException} when it is missing. */
    public Tlv require(int childTag) {
        return child(childTag).orElseThrow(() -> new IllegalArgumentException(
                "data object " + Integer.toHexString(tag).toUpperCase() + " lacks " + Integer.toHexString(childTag).toUpperCase()));
    }

    /** The complete encoding: tag, length, value. */
    public byte[] encoded() {
        return encode(tag, value);
    }

    /** Encodes tag, definite length and value. */
    public static byte[] encode(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        if (tag > 0xFFFF) {
            out.write(tag >>> 16);
        }
        if (tag > 0xFF) {
            out.write(tag >>> 8);
        }
        out.write(tag);
        writeLength(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    /** Encodes a constructed object from already encoded children. */
    public static byte[] encode(int tag, byte[]... children) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        for (byte[] c : children) {
            v.writeBytes(c);
        }
        return encode(tag, v.toByteArray());
    }

    static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length <= 0xFF) {
            out.write(0x81);
            out.write(length);
        } else if (length <= 0xFFFF) {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
        }
    }

    /** Parses the one data object at the start of {@code data}; trailing bytes are allowed. */
    public static Tlv parse(byte[] data) {
        return parse(data, 0);
    }

    /** Parses the data object at {@code offset}. */
    public static Tlv parse(byte[] data, int offset) {
        int[] header = header(data, offset);
        return new Tlv(header[0], Arrays.copyOfRange(data, header[2], header[2] + header[1]));
    }

    /** The number of bytes the data object at {@code offset} takes (header and value). */
    public static int encodedLength(byte[] data, int offset) {
        int[] header = header(data, offset);
        return header[2] + header[1] - offset;
    }

    /** Every data object in {@code data}, which they must fill exactly. */
    public static List<Tlv> parseAll(byte[] data) {
        List<Tlv> all = new ArrayList<>();
        int i = 0;
        while (i < data.length) {
            int[] header = header(data, i);
            all.add(new Tlv(header[0], Arrays.copyOfRange(data, header[2], header[2] + header[1])));
            i = header[2] + header[1];
        }
        return all;
    }

    /** {tag, value length, value offset} of the object at {@code offset}. */
    private static int[] header(byte[] data, int offset) {
        int i = offset;
        need(data, i, 1);
        int tag = data[i++] & 0xFF;
        if ((tag & 0x1F) == 0x1F) {
            int more;
            int count = 0;
            do {
                need(data, i, 1);
                more = data[i++] & 0xFF;
                tag = (tag << 8) | more;
                if (++count > 2) {
                    throw new IllegalArgumentException("tag longer than three bytes at offset " + offset);
                }
            } while ((more & 0x80) != 0);
        }
        need(data, i, 1);
        int first = data[i++] & 0xFF;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int n = first & 0x7F;
            if (n == 0 || n > 3) {
                throw new IllegalArgumentException("unsupported length form 0x" + Integer.toHexString(first) + " at offset " + offset);
            }
            need(data, i, n);
            length = 0;
            for (int k = 0; k < n; k++) {
                length = (length << 8) | (data[i++] & 0xFF);
            }
        }
        need(data, i, length);
        return new int[] {tag, length, i};
    }

    private static void need(byte[] data, int at, int count) {
        if (at + count > data.length || count < 0) {
            throw new IllegalArgumentException("data object truncated: needs " + count + " bytes at offset " + at
                    + " of " + data.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlv t && t.tag == tag && Arrays.equals(t.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * tag + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return Integer.toHexString(tag).toUpperCase() + "[" + value.length + "]";
    }

    @Override
    public byte[] value() {
        return value.clone();
    }
}
