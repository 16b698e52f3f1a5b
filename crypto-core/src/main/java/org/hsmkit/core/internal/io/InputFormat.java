package org.hsmkit.core.internal.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hsmkit.core.HsmkitException;

/**
 * What a file holds, told from its first bytes, so that a command given the wrong kind of file
 * says which kind and which command takes it, instead of a parser's complaint about damage. Only
 * kinds that are certain from the first bytes are named; anything else is left to the parser.
 */
public enum InputFormat {
    CMS("a CMS file", "hsmkit inspect, decrypt and verify take CMS files"),
    OPENPGP("OpenPGP data", "hsmkit pgp inspect, decrypt and verify take OpenPGP files"),
    PDF("a PDF document", "hsmkit pdf verify checks the signatures of a PDF"),
    CERTIFICATE("an X.509 certificate (or a request, CRL or public key)",
            "X.509 certificates go with hsmkit encrypt -r and verify --trust; see one with openssl x509 -text -in FILE"),
    PRIVATE_KEY("a private key (or a PKCS#12 key store)", "private keys go onto a token with hsmkit key import"),
    /**
     * Starts with neither a PEM line, a DER SEQUENCE, a PDF header nor an OpenPGP packet: text, say.
     * Refused where OpenPGP is expected; a CMS reader says "neither DER nor PEM" itself.
     */
    UNKNOWN("neither CMS, OpenPGP nor PDF data",
            "check that you named the right file; a detached signature goes with its data (verify SIG DATA, pgp verify DATA SIG)"),
    /** Not certain: left to the parser (a damaged file is reported as damaged). */
    OTHER(null, null);

    /** Enough for a PEM BEGIN line after some blank lines, and for a DER header. */
    private static final int PEEK = 96;
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 #]{1,40})-----");

    private final String description;
    private final String hint;

    InputFormat(String description, String hint) {
        this.description = description;
        this.hint = hint;
    }

    /**
     * Looks at the first bytes of {@code in} without consuming them; {@code in} must support mark
     * (wrap it in a BufferedInputStream first).
     */
    public static InputFormat peek(InputStream in) throws IOException {
        if (!in.markSupported()) {
            throw new IllegalArgumentException("the stream must support mark");
        }
        in.mark(PEEK);
        byte[] head;
        try {
            head = in.readNBytes(PEEK);
        } finally {
            in.reset();
        }
        return of(head);
    }

    /** The format of a file that begins with {@code head}. */
    static InputFormat of(byte[] head) {
        int i = 0;
        while (i < head.length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
            i++;
        }
        if (i == head.length) {
            return OTHER;
        }
        int first = head[i] & 0xff;
        if (first == '-') {
            Matcher m = BEGIN.matcher(new String(head, i, head.length - i, StandardCharsets.ISO_8859_1));
            return m.lookingAt() ? ofPemLabel(m.group(1)) : OTHER;
        }
        if (first == '%' && new String(head, i, head.length - i, StandardCharsets.ISO_8859_1).startsWith("%PDF-")) {
            return PDF;
        }
        if (first == 0x30) {
            return ofDerSequence(head, i);
        }
        // an OpenPGP packet header has its top bit set; DER (0x30) and text never do
        if ((first & 0x80) == 0) {
            return UNKNOWN;
        }
        return startsOpenPgp(first) ? OPENPGP : OTHER;
    }

    private static InputFormat ofPemLabel(String label) {
        if (label.startsWith("PGP ")) {
            return OPENPGP;
        }
        if (label.endsWith("PRIVATE KEY")) {
            return PRIVATE_KEY;
        }
        if (label.endsWith("CERTIFICATE") || label.endsWith("PUBLIC KEY") || label.endsWith("CERTIFICATE REQUEST")
                || label.endsWith("CRL")) {
            return CERTIFICATE;
        }
        // CMS, PKCS7, and gpgsm's SIGNED MESSAGE and ENCRYPTED MESSAGE
        return CMS;
    }

    /**
     * A CMS ContentInfo starts with its content type, an OID; X.509 structures (certificate,
     * request, CRL, public key) with a SEQUENCE whose content starts as theirs do; private keys and
     * PKCS#12 with a small version INTEGER. Anything less certain (a damaged CMS file) is OTHER.
     */
    private static InputFormat ofDerSequence(byte[] head, int start) {
        int inner = afterHeader(head, start);
        if (inner < 0 || inner >= head.length) {
            return OTHER;
        }
        if (head[inner] == 0x06) {
            return CMS;
        }
        if (head[inner] == 0x02) {
            // version 0 (PKCS#8, PKCS#1), 1 (SEC 1 EC key), 3 (PKCS#12)
            boolean version = inner + 2 < head.length && head[inner + 1] == 0x01
                    && (head[inner + 2] == 0 || head[inner + 2] == 1 || head[inner + 2] == 3);
            return version ? PRIVATE_KEY : OTHER;
        }
        if (head[inner] == 0x30) {
            int first = afterHeader(head, inner);
            boolean x509 = first >= 0 && first < head.length
                    && (head[first] == (byte) 0xa0 || head[first] == 0x02 || head[first] == 0x30 || head[first] == 0x06);
            return x509 ? CERTIFICATE : OTHER;
        }
        return OTHER;
    }

    /** Where the content of the DER element at {@code at} starts, or -1 when its header is not whole. */
    private static int afterHeader(byte[] head, int at) {
        if (at + 1 >= head.length) {
            return -1;
        }
        int len = head[at + 1] & 0xff;
        return len > 0x80 ? at + 2 + (len - 0x80) : at + 2;
    }

    /** Packet tags an OpenPGP file starts with: session keys, signatures, keys, compressed, literal and encrypted data, marker, padding. */
    private static boolean startsOpenPgp(int first) {
        int tag = (first & 0x40) != 0 ? first & 0x3f : (first >> 2) & 0x0f;
        return switch (tag) {
            case 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 18, 20, 21 -> true;
            default -> false;
        };
    }

    /**
     * Refuses {@code in} unless it may be {@code expected}: the INPUT error names what it is and
     * which command takes it. Returns a stream with the same bytes.
     */
    public static BufferedInputStream require(InputStream in, InputFormat expected) {
        BufferedInputStream b = in instanceof BufferedInputStream already ? already : new BufferedInputStream(in, 1 << 16);
        InputFormat found;
        try {
            found = peek(b);
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the input: " + e.getMessage(), e);
        }
        if (found == UNKNOWN && expected == OPENPGP) {
            // Bouncy Castle would take it for ASCII armour and report bad base64
            throw HsmkitException.input("the input is not OpenPGP data: neither packets nor ASCII armour", UNKNOWN.hint);
        }
        if (found != expected && found != OTHER && found != UNKNOWN) {
            throw HsmkitException.input("the input is " + found.description + ", not " + expected.description, found.hint);
        }
        return b;
    }
}
