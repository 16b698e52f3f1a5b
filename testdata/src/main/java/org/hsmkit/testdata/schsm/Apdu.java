package org.hsmkit.testdata.schsm;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A command APDU as ISO/IEC 7816-4 lays it out, in short or extended form.
 *
 * @param ne the expected response length: 0 when absent, up to 256 (short) or 65536 (extended)
 */
record Apdu(int cla, int ins, int p1, int p2, byte[] data, int ne, boolean extended) {
    static Apdu parse(byte[] b) {
        if (b.length < 4) {
            throw new IllegalArgumentException("an APDU has at least 4 bytes");
        }
        int cla = b[0] & 0xFF;
        int ins = b[1] & 0xFF;
        int p1 = b[2] & 0xFF;
        int p2 = b[3] & 0xFF;
        if (b.length == 4) {
            return new Apdu(cla, ins, p1, p2, new byte[0], 0, false);
        }
        int b5 = b[4] & 0xFF;
        if (b.length == 5) {
            return new Apdu(cla, ins, p1, p2, new byte[0], b5 == 0 ? 256 : b5, false);
        }
        if (b5 != 0) {
            // short case 3 or 4
            int lc = b5;
            if (b.length == 5 + lc) {
                return new Apdu(cla, ins, p1, p2, Arrays.copyOfRange(b, 5, 5 + lc), 0, false);
            }
            if (b.length == 6 + lc) {
                int le = b[5 + lc] & 0xFF;
                return new Apdu(cla, ins, p1, p2, Arrays.copyOfRange(b, 5, 5 + lc), le == 0 ? 256 : le, false);
            }
            throw new IllegalArgumentException("short APDU length " + b.length + " does not fit Lc " + lc);
        }
        // extended: 00 then two length bytes
        if (b.length == 7) {
            int le = ((b[5] & 0xFF) << 8) | (b[6] & 0xFF);
            return new Apdu(cla, ins, p1, p2, new byte[0], le == 0 ? 65536 : le, true);
        }
        if (b.length < 7) {
            throw new IllegalArgumentException("extended APDU too short");
        }
        int lc = ((b[5] & 0xFF) << 8) | (b[6] & 0xFF);
        if (lc == 0) {
            throw new IllegalArgumentException("extended Lc of 0");
        }
        if (b.length == 7 + lc) {
            return new Apdu(cla, ins, p1, p2, Arrays.copyOfRange(b, 7, 7 + lc), 0, true);
        }
        if (b.length == 9 + lc) {
            int le = ((b[7 + lc] & 0xFF) << 8) | (b[8 + lc] & 0xFF);
            return new Apdu(cla, ins, p1, p2, Arrays.copyOfRange(b, 7, 7 + lc), le == 0 ? 65536 : le, true);
        }
        throw new IllegalArgumentException("extended APDU length " + b.length + " does not fit Lc " + lc);
    }

    /** The header as four hex bytes, e.g. {@code 00A40400}. */
    String header() {
        return HexFormat.of().withUpperCase().formatHex(new byte[] {(byte) cla, (byte) ins, (byte) p1, (byte) p2});
    }
}
