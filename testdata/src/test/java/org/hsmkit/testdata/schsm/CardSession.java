package org.hsmkit.testdata.schsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.HexFormat;

/** Sends APDUs straight to a simulator (no PC/SC) and splits the answers, for protocol tests. */
final class CardSession {
    static final HexFormat HEX = HexFormat.of().withUpperCase();
    final SmartCardHsmSimulator card;

    CardSession(SmartCardHsmSimulator card) {
        this.card = card;
        card.powerOn();
    }

    /** One answer: data and status word. */
    record Answer(byte[] data, int sw) {
        Answer expect(int expected) {
            assertEquals(Integer.toHexString(expected), Integer.toHexString(sw), "status word");
            return this;
        }

        String hex() {
            return HEX.formatHex(data);
        }
    }

    Answer send(byte[] apdu) {
        byte[] r = card.transmit(apdu);
        assertNotNull(r, "the card answered");
        return new Answer(Arrays.copyOf(r, r.length - 2), ((r[r.length - 2] & 0xFF) << 8) | (r[r.length - 1] & 0xFF));
    }

    /** Sends a hex APDU; spaces are allowed. */
    Answer send(String hex) {
        return send(HEX.parseHex(hex.replace(" ", "")));
    }

    /** Builds an extended-length APDU with data and Le 0000 (or none). */
    static byte[] extended(int cla, int ins, int p1, int p2, byte[] data, boolean le) {
        int n = 4 + (data.length > 0 ? 3 + data.length : 1) + (le ? 2 : 0);
        byte[] b = new byte[n];
        b[0] = (byte) cla;
        b[1] = (byte) ins;
        b[2] = (byte) p1;
        b[3] = (byte) p2;
        int pos = 4;
        b[pos++] = 0;
        if (data.length > 0) {
            b[pos++] = (byte) (data.length >>> 8);
            b[pos++] = (byte) data.length;
            System.arraycopy(data, 0, b, pos, data.length);
            pos += data.length;
        }
        // with le: two more zero bytes (Le 0000 = 65536); without data the 00 above starts it
        return Arrays.copyOf(b, data.length > 0 ? pos + (le ? 2 : 0) : 7);
    }

    Answer selectApplet() {
        return send("00A40400 0B E82B0601040181C31F0201 00").expect(0x9000);
    }

    Answer verify(String pin) {
        byte[] p = pin.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] apdu = new byte[5 + p.length];
        apdu[1] = 0x20;
        apdu[3] = (byte) 0x81;
        apdu[4] = (byte) p.length;
        System.arraycopy(p, 0, apdu, 5, p.length);
        return send(apdu);
    }
}
