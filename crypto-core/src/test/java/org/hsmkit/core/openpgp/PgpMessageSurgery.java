package org.hsmkit.core.openpgp;

import java.io.ByteArrayOutputStream;

/**
 * Edits OpenPGP packets at the byte level, for tests that damage messages on purpose. Handles the
 * packet headers hsmkit writes: new-format tags with one-, two- or five-octet lengths or partial
 * lengths.
 */
final class PgpMessageSurgery {
    private PgpMessageSurgery() {
    }

    /** Offset of the packet after the one starting at {@code off} (which must have a definite length). */
    private static int next(byte[] m, int off) {
        int[] h = header(m, off);
        return off + h[0] + h[1];
    }

    /** {header length, body length} of a new-format packet with a definite length. */
    private static int[] header(byte[] m, int off) {
        if ((m[off] & 0xC0) != 0xC0) {
            throw new IllegalArgumentException("not a new-format packet at " + off);
        }
        int l0 = m[off + 1] & 0xff;
        if (l0 < 192) {
            return new int[] {2, l0};
        }
        if (l0 < 224) {
            return new int[] {3, ((l0 - 192) << 8) + (m[off + 2] & 0xff) + 192};
        }
        if (l0 == 255) {
            return new int[] {6, ((m[off + 2] & 0xff) << 24) | ((m[off + 3] & 0xff) << 16) | ((m[off + 4] & 0xff) << 8) | (m[off + 5] & 0xff)};
        }
        throw new IllegalArgumentException("partial length at " + off);
    }

    /**
     * Turns the SEIPD v1 packet (tag 18, version octet 1) after the session key packets into a
     * Symmetrically Encrypted Data packet (tag 9, no version octet): the downgrade an attacker
     * would try.
     */
    static byte[] downgradeToSed(byte[] m) {
        int off = 0;
        while ((m[off] & 0x3F) == 1) {
            off = next(m, off);
        }
        if ((m[off] & 0x3F) != 18) {
            throw new IllegalArgumentException("no SEIPD packet at " + off);
        }
        // the SEIPD body starts with the version octet; with a partial first length, drop the octet by
        // re-encoding the first partial chunk is complex, so keep the body and change the tag only
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(m, 0, off);
        out.write(0xC0 | 9);
        out.write(m, off + 1, m.length - off - 1);
        return out.toByteArray();
    }

    /** Keeps the session key packets and puts a literal data packet where the encrypted data was. */
    static byte[] literalInsteadOfEncryptedData(byte[] m) {
        int off = 0;
        while ((m[off] & 0x3F) == 1) {
            off = next(m, off);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(m, 0, off);
        out.writeBytes(new byte[] {(byte) (0xC0 | 11), 7, 'b', 0, 0, 0, 0, 0, 'x'});
        return out.toByteArray();
    }

    /** Adds one to the first packet's one-octet length. */
    static byte[] growFirstPacketLength(byte[] m) {
        byte[] c = m.clone();
        int l0 = c[1] & 0xff;
        if (l0 >= 191) {
            throw new IllegalArgumentException("first packet length is not one octet");
        }
        c[1] = (byte) (l0 + 1);
        return c;
    }

    /** Sets the version octet (the first body octet) of the first packet. */
    static byte[] setFirstPacketVersion(byte[] m, int version) {
        byte[] c = m.clone();
        c[header(c, 0)[0]] = (byte) version;
        return c;
    }
}
