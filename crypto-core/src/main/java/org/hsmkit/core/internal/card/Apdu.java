package org.hsmkit.core.internal.card;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Command APDUs (ISO/IEC 7816-4), short or extended as the lengths require, and the answer split
 * into data and status word.
 */
public final class Apdu {
    /** No response data expected. */
    public static final int NO_LE = -1;
    /** As much response data as the card has (256 short, 65536 extended). */
    public static final int MAX_LE = 65536;

    private Apdu() {
    }

    /**
     * Encodes a command. Extended length is used when the data exceeds 255 bytes or more than 256
     * bytes of answer are expected (extended Le 0000 means 65536).
     */
    public static byte[] command(int cla, int ins, int p1, int p2, byte[] data, int le) {
        int lc = data == null ? 0 : data.length;
        boolean extended = lc > 255 || le > 256;
        ByteArrayOutputStream b = new ByteArrayOutputStream(lc + 9);
        b.write(cla);
        b.write(ins);
        b.write(p1);
        b.write(p2);
        if (lc > 0) {
            if (extended) {
                b.write(0);
                b.write(lc >>> 8);
                b.write(lc);
            } else {
                b.write(lc);
            }
            b.write(data, 0, lc);
        }
        if (le >= 0) {
            if (extended) {
                if (lc == 0) {
                    b.write(0);
                }
                b.write((le >>> 8) & 0xFF);
                b.write(le & 0xFF);
            } else {
                b.write(le & 0xFF);
            }
        }
        return b.toByteArray();
    }

    /** An answer: response data and the two status bytes. */
    public record Response(byte[] data, int sw) {
        public static Response of(byte[] raw) {
            return new Response(Arrays.copyOf(raw, raw.length - 2), ((raw[raw.length - 2] & 0xFF) << 8) | (raw[raw.length - 1] & 0xFF));
        }

        public boolean ok() {
            return sw == 0x9000;
        }

        /** 63Cx: x tries left; -1 otherwise. */
        public int triesLeft() {
            return (sw & 0xFFF0) == 0x63C0 ? sw & 0x0F : -1;
        }

        public String swHex() {
            return String.format("%04X", sw);
        }
    }
}
