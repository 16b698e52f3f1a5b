package org.hsmkit.core.internal.card;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * The commands of the SmartCard-HSM applet, as OpenSC's {@code card-sc-hsm.c} and CardContact's
 * PKCS#11 module send them: SELECT, VERIFY, ENUMERATE OBJECTS, READ/UPDATE BINARY with an offset
 * data object, DELETE FILE, GENERATE ASYMMETRIC KEY PAIR, the SIGN and DECIPHER operations,
 * WRAP/UNWRAP KEY, IMPORT DKEK SHARE, INITIALIZE DEVICE, GET CHALLENGE and the MSE/GENERAL
 * AUTHENTICATE pair of chip authentication. Status words come back to the caller, which knows
 * what they mean for its operation; {@link #check} turns the rest into messages.
 */
public final class ScHsmApplet {
    public static final byte[] AID = HexFormat.of().parseHex("E82B0601040181C31F0201");
    /** Largest EF chunk per UPDATE BINARY (room for the offset and data objects in a 1 KB command). */
    static final int WRITE_CHUNK = 1000;
    /** Key generation takes minutes on a real card for RSA-4096. */
    static final Duration GENERATE_TIMEOUT = Duration.ofMinutes(10);

    public static final int PIN_USER = 0x81;
    public static final int PIN_SO = 0x88;

    // algorithm identifiers (card-sc-hsm.h)
    public static final int ALGO_RSA_RAW = 0x20;
    public static final int ALGO_RSA_DECRYPT = 0x21;
    public static final int ALGO_EC_RAW = 0x70;
    public static final int ALGO_EC_DH = 0x80;

    private final PcscTransport transport;

    public ScHsmApplet(PcscTransport transport) {
        this.transport = transport;
    }

    public PcscTransport transport() {
        return transport;
    }

    private Apdu.Response send(int cla, int ins, int p1, int p2, byte[] data, int le) {
        return Apdu.Response.of(transport.transmit(Apdu.command(cla, ins, p1, p2, data, le)));
    }

    private Apdu.Response send(int cla, int ins, int p1, int p2, byte[] data, int le, Duration timeout) {
        return Apdu.Response.of(transport.transmit(Apdu.command(cla, ins, p1, p2, data, le), timeout));
    }

    /** What SELECT tells about the applet: the proprietary data object 85 (options, version). */
    public record AppletInfo(int major, int minor, int options) {
        public String version() {
            return major + "." + minor;
        }
    }

    /**
     * Selects the applet. P2=04 with Le (the form OpenSC uses), then P2=00 for emulations that
     * refuse it.
     *
     * @return the applet information, or empty when there is no SmartCard-HSM applet
     */
    public Optional<AppletInfo> select() {
        Apdu.Response r = send(0x00, 0xA4, 0x04, 0x04, AID, 256);
        if (r.sw() == 0x6A86 || r.sw() == 0x6A87) {
            r = send(0x00, 0xA4, 0x04, 0x00, AID, 256);
        }
        if (!r.ok()) {
            return Optional.empty();
        }
        int major = 0;
        int minor = 0;
        int options = 0;
        try {
            if (r.data().length > 0) {
                Tlv fcp = Tlv.parse(r.data());
                Optional<Tlv> p = fcp.child(0x85);
                if (p.isPresent()) {
                    byte[] v = p.get().value();
                    if (v.length >= 2) {
                        major = v[v.length - 2] & 0xFF;
                        minor = v[v.length - 1] & 0xFF;
                    }
                    if (v.length >= 4) {
                        options = ((v[0] & 0xFF) << 8) | (v[1] & 0xFF);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            // an answer without a readable FCP is still the applet
        }
        return Optional.of(new AppletInfo(major, minor, options));
    }

    /** VERIFY without data: the PIN state, spending no try. */
    public Apdu.Response pinStatus(int reference) {
        return send(0x00, 0x20, 0x00, reference, null, Apdu.NO_LE);
    }

    /** VERIFY with the PIN. */
    public Apdu.Response verify(int reference, byte[] pin) {
        return send(0x00, 0x20, 0x00, reference, pin, Apdu.NO_LE);
    }

    /** CHANGE REFERENCE DATA: {@code data} is the current PIN followed by the new one. */
    public Apdu.Response changePin(int reference, byte[] data) {
        return send(0x00, 0x24, 0x00, reference, data, Apdu.NO_LE);
    }

    /** RESET RETRY COUNTER with a new PIN: {@code data} is the SO-PIN (8 bytes) followed by the new PIN. */
    public Apdu.Response resetRetryCounter(int reference, byte[] data) {
        return send(0x00, 0x2C, 0x00, reference, data, Apdu.NO_LE);
    }

    /** The SmartCard-HSM takes user PINs of 6 to 16 bytes. */
    public static void requirePinLength(byte[] pin) {
        if (pin.length < 6 || pin.length > 16) {
            throw new HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "the new PIN has " + pin.length
                    + " bytes; the SmartCard-HSM takes 6 to 16", "choose another PIN");
        }
    }

    /** ENUMERATE OBJECTS: the file identifiers of keys, descriptions, certificates and data. */
    public List<Integer> enumerate() {
        Apdu.Response r = send(0x80, 0x58, 0x00, 0x00, null, Apdu.MAX_LE);
        check(r, "listing the objects on the card");
        byte[] d = r.data();
        List<Integer> fids = new ArrayList<>(d.length / 2);
        for (int i = 0; i + 1 < d.length; i += 2) {
            fids.add(((d[i] & 0xFF) << 8) | (d[i + 1] & 0xFF));
        }
        return fids;
    }

    /**
     * Reads a whole transparent EF (READ BINARY with odd INS and an offset data object, one
     * extended command).
     *
     * @return the contents, or empty when the file does not exist
     */
    public Optional<byte[]> read(int fid) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int offset = 0;
        while (true) {
            byte[] t54 = {0x54, 0x02, (byte) (offset >>> 8), (byte) offset};
            Apdu.Response r = send(0x00, 0xB1, fid >>> 8, fid & 0xFF, t54, Apdu.MAX_LE);
            if (r.sw() == 0x6A82 || (offset == 0 && r.sw() == 0x6A88)) {
                return Optional.empty();
            }
            if (!r.ok() && r.sw() != 0x6282) {
                check(r, "reading file " + hex(fid));
            }
            all.writeBytes(r.data());
            offset += r.data().length;
            // one extended read returns the whole file; go on only for a card that sent less than it has
            if (r.sw() == 0x6282 || r.data().length == 0 || r.data().length < 0xFFFF - 2 || offset > 0xFFFF) {
                return Optional.of(all.toByteArray());
            }
        }
    }

    /** Creates or overwrites a transparent EF (UPDATE BINARY with odd INS, in chunks). */
    public void write(int fid, byte[] data) {
        int offset = 0;
        do {
            int n = Math.min(WRITE_CHUNK, data.length - offset);
            byte[] chunk = new byte[n];
            System.arraycopy(data, offset, chunk, 0, n);
            byte[] body = concat(new byte[] {0x54, 0x02, (byte) (offset >>> 8), (byte) offset}, Tlv.encode(0x53, chunk));
            Apdu.Response r = send(0x00, 0xD7, fid >>> 8, fid & 0xFF, body, Apdu.NO_LE);
            check(r, "writing file " + hex(fid));
            offset += n;
        } while (offset < data.length);
    }

    /**
     * DELETE FILE (a key, a description, a certificate or data).
     *
     * @return false when there was no such file
     */
    public boolean delete(int fid) {
        Apdu.Response r = send(0x00, 0xE4, 0x02, 0x00, new byte[] {(byte) (fid >>> 8), (byte) fid}, Apdu.NO_LE);
        if (r.sw() == 0x6A82) {
            return false;
        }
        check(r, "deleting file " + hex(fid));
        return true;
    }

    /** GENERATE ASYMMETRIC KEY PAIR; the answer is the authenticated CV request for the new key. */
    public Apdu.Response generateKeyPair(int keyRef, byte[] request) {
        return send(0x00, 0x46, keyRef, 0x00, request, Apdu.MAX_LE, GENERATE_TIMEOUT);
    }

    /** The signature operation with {@code algorithm} (ALGO_RSA_RAW, ALGO_EC_RAW, ...). */
    public Apdu.Response sign(int keyRef, int algorithm, byte[] input) {
        return send(0x80, 0x68, keyRef, algorithm, input, Apdu.MAX_LE);
    }

    /** The decipher operation: RSA decryption or ECDH ({@code ALGO_EC_DH}). */
    public Apdu.Response decipher(int keyRef, int algorithm, byte[] input) {
        return send(0x80, 0x62, keyRef, algorithm, input, Apdu.MAX_LE);
    }

    /** WRAP KEY: the key encrypted under the DKEK. */
    public Apdu.Response wrapKey(int keyRef) {
        return send(0x80, 0x72, keyRef, 0x92, null, Apdu.MAX_LE);
    }

    /** UNWRAP KEY into {@code keyRef}. */
    public Apdu.Response unwrapKey(int keyRef, byte[] blob) {
        return send(0x80, 0x74, keyRef, 0x93, blob, Apdu.NO_LE);
    }

    /** IMPORT DKEK SHARE; with {@code share} null it only reports the status. */
    public Apdu.Response dkek(byte[] share) {
        return send(0x80, 0x52, 0x00, 0x00, share, 256);
    }

    /** INITIALIZE DEVICE with its data objects. */
    public Apdu.Response initialize(byte[] data) {
        return send(0x80, 0x50, 0x00, 0x00, data, Apdu.NO_LE, GENERATE_TIMEOUT);
    }

    /** GET CHALLENGE: {@code n} random bytes from the card (at most 1024 per command). */
    public byte[] random(int n) {
        Apdu.Response r = send(0x00, 0x84, 0x00, 0x00, null, n);
        check(r, "drawing random bytes");
        if (r.data().length != n) {
            throw new HsmkitException(ErrorKind.KEY, "the card gave " + r.data().length + " random bytes instead of " + n,
                    "run again; if it recurs the card is faulty");
        }
        return r.data();
    }

    /** MSE:Set AT for chip authentication. */
    public Apdu.Response mseSetAt(byte[] data) {
        return send(0x00, 0x22, 0x41, 0xA4, data, Apdu.NO_LE);
    }

    /** GENERAL AUTHENTICATE with the ephemeral key. */
    public Apdu.Response generalAuthenticate(byte[] data) {
        return send(0x00, 0x86, 0x00, 0x00, data, 256);
    }

    /**
     * Throws for any status but 9000, with what the status word means.
     *
     * @throws HsmkitException KEY (IO for a transmission-level status)
     */
    public static void check(Apdu.Response r, String what) {
        if (r.ok()) {
            return;
        }
        throw failure(r, what);
    }

    /**
     * The card wants the user PIN (SW 6982): when the host believed it logged in, another program
     * reset the card or logged out, and the operation is run again after a new login.
     */
    static final class LoginRequired extends HsmkitException {
        private static final long serialVersionUID = 1L;

        LoginRequired(String message, String hint) {
            super(ErrorKind.KEY, message, hint);
        }
    }

    /** The exception for a refused command. */
    public static HsmkitException failure(Apdu.Response r, String what) {
        String meaning = meaning(r.sw());
        if (r.sw() == 0x6982) {
            return new LoginRequired("the card refused " + what + ": " + meaning + " (SW " + r.swHex() + ")",
                    "log in first (the PIN was not verified)");
        }
        String hint = switch (r.sw()) {
            case 0x6982 -> "log in first (the PIN was not verified)";
            case 0x6A84 -> "the card is full: delete keys or data you no longer need";
            case 0x6D00, 0x6E00, 0x6A81 -> "this SmartCard-HSM firmware does not support it";
            default -> null;
        };
        return new HsmkitException(ErrorKind.KEY, "the card refused " + what + ": " + meaning + " (SW " + r.swHex() + ")", hint);
    }

    static String meaning(int sw) {
        if ((sw & 0xFFF0) == 0x63C0) {
            return "verification failed, " + (sw & 0x0F) + " tries left";
        }
        return switch (sw) {
            case 0x6282 -> "end of file reached";
            case 0x6700 -> "wrong length";
            case 0x6982 -> "security status not satisfied";
            case 0x6983 -> "authentication method blocked";
            case 0x6984 -> "reference data not usable";
            case 0x6985 -> "conditions of use not satisfied";
            case 0x6986 -> "command not allowed";
            case 0x6988 -> "secure messaging data objects incorrect";
            case 0x6A80 -> "incorrect data";
            case 0x6A81 -> "function not supported";
            case 0x6A82 -> "file or key not found";
            case 0x6A84 -> "not enough memory";
            case 0x6A86 -> "incorrect parameters P1/P2";
            case 0x6A88 -> "referenced data not found";
            case 0x6A89 -> "file already exists";
            case 0x6D00 -> "instruction not supported";
            case 0x6E00 -> "class not supported";
            case 0x6F00 -> "no precise diagnosis";
            default -> "unexpected status";
        };
    }

    static String hex(int fid) {
        return String.format("%04X", fid);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
