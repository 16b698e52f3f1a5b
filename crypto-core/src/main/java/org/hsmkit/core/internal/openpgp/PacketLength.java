package org.hsmkit.core.internal.openpgp;

import java.io.IOException;
import java.io.OutputStream;

/** The body length of a packet in the current (new) format, RFC 9580 section 4.2.1. */
final class PacketLength {
    private PacketLength() {
    }

    /** Writes {@code n} as a one-, two- or five-octet length. */
    static void write(OutputStream out, int n) throws IOException {
        if (n < 192) {
            out.write(n);
        } else if (n < 8384) {
            out.write(((n - 192) >> 8) + 192);
            out.write((n - 192) & 0xFF);
        } else {
            out.write(0xFF);
            out.write(n >>> 24);
            out.write(n >>> 16);
            out.write(n >>> 8);
            out.write(n);
        }
    }
}
