package org.hsmkit.testdata.schsm;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * BER-TLV as smart cards use it: tags of one to three bytes (7F21, 5F29, ...), definite lengths
 * of up to three length bytes. Enough for card verifiable certificates, key generation requests
 * and command data; not a general ASN.1 codec.
 */
public record Tlv(int tag, byte[] value) {
    /** Encodes tag, length and value. */
    public byte[] encoded() {
        return encode(tag, value);
    }

    /** Tag, length and value as one byte array. */
    public static byte[] encode(int tag, byte[]... values) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        for (byte[] part : values) {
            v.writeBytes(part);
        }
        byte[] value = v.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        if (tag > 0xFFFF) {
            out.write(tag >>> 16);
        }
        if (tag > 0xFF) {
            out.write(tag >>> 8);
        }
        out.write(tag);
        out.writeBytes(length(value.length));
        out.writeBytes(value);
        return out.toByteArray();
    }

    static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >>> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    /** Parses a sequence of TLV objects filling {@code data} exactly. */
    public static List<Tlv> parseAll(byte[] data) {
        return parseAll(data, 0, data.length);
    }

    /** Parses the TLV objects in {@code data[from, to)}. */
    public static List<Tlv> parseAll(byte[] data, int from, int to) {
        List<Tlv> out = new ArrayList<>();
        int[] pos = {from};
        while (pos[0] < to) {
            out.add(parse(data, pos, to));
        }
        return out;
    }

    /** Parses one TLV object at the start of {@code data}; trailing bytes are ignored. */
    public static Tlv parseFirst(byte[] data) {
        return parse(data, new int[] {0}, data.length);
    }

    /** The number of bytes the first TLV object of {@code data} takes (0 when it is no TLV object). */
    public static int encodedLength(byte[] data, int from, int to) {
        try {
            int[] pos = {from};
            parse(data, pos, to);
            return pos[0] - from;
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    static Tlv parse(byte[] data, int[] pos, int to) {
        int p = pos[0];
        if (p >= to) {
            throw new IllegalArgumentException("TLV: no tag at " + p);
        }
        int tag = data[p++] & 0xFF;
        if ((tag & 0x1F) == 0x1F) {
            do {
                if (p >= to) {
                    throw new IllegalArgumentException("TLV: truncated tag");
                }
                tag = (tag << 8) | (data[p] & 0xFF);
            } while ((data[p++] & 0x80) != 0);
        }
        if (p >= to) {
            throw new IllegalArgumentException("TLV: no length for tag " + Integer.toHexString(tag));
        }
        int len = data[p++] & 0xFF;
        if (len > 0x80) {
            int n = len & 0x7F;
            if (n > 3 || p + n > to) {
                throw new IllegalArgumentException("TLV: bad length for tag " + Integer.toHexString(tag));
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (data[p++] & 0xFF);
            }
        } else if (len == 0x80) {
            throw new IllegalArgumentException("TLV: indefinite length");
        }
        if (p + len > to) {
            throw new IllegalArgumentException("TLV: value of tag " + Integer.toHexString(tag) + " runs past the end");
        }
        pos[0] = p + len;
        return new Tlv(tag, Arrays.copyOfRange(data, p, p + len));
    }

    /** The first object with {@code tag} among {@code list}. */
    public static Optional<Tlv> find(List<Tlv> list, int tag) {
        return list.stream().filter(t -> t.tag == tag).findFirst();
    }

    /** The objects inside this (constructed) object. */
    public List<Tlv> children() {
        return parseAll(value);
    }

    /** The first child with {@code tag}, or empty. */
    public Optional<Tlv> child(int tag) {
        return find(children(), tag);
    }
}
