package org.hsmkit.testdata.schsm;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * SELECT, READ BINARY, UPDATE BINARY, DELETE FILE and ENUMERATE OBJECTS. Files are transparent
 * EFs named by a 2-byte identifier; the prefix byte says what they hold (C4 private key
 * descriptions, C8 certificate descriptions, C9 data object descriptions, CA CA certificates,
 * CC keys, CD PIN-protected data, CE end-entity certificates, CF public data; 2F02 the device
 * certificates, 2F03 the token info).
 */
final class FileCommands {
    private final CardState card;

    FileCommands(CardState card) {
        this.card = card;
    }

    Response select(Apdu a) {
        int p1 = a.p1();
        int p2 = a.p2();
        if (p2 != 0x00 && p2 != 0x04 && p2 != 0x0C) {
            throw Sw.fail(Sw.INCORRECT_P1P2, "SELECT with P2 " + Integer.toHexString(p2));
        }
        if (p1 == 0x04) {
            if (a.data().length < 5 || !Arrays.equals(a.data(), 0, a.data().length, CardState.AID, 0, a.data().length)) {
                throw Sw.fail(Sw.FILE_NOT_FOUND, "no application with that AID");
            }
            // selecting the applet ends any login and secure messaging (OpenSC logs out this way)
            card.resetSession();
            card.appletSelected = true;
            return p2 == 0x0C ? Response.ok() : Response.ok(appletFci());
        }
        if ((p1 == 0x00 || p1 == 0x02 || p1 == 0x08 || p1 == 0x09) && a.data().length >= 2 && card.appletSelected) {
            byte[] d = a.data();
            int fid = ((d[d.length - 2] & 0xFF) << 8) | (d[d.length - 1] & 0xFF);
            if (!exists(fid)) {
                throw Sw.fail(Sw.FILE_NOT_FOUND, "no file " + Integer.toHexString(fid));
            }
            card.currentEf = fid;
            return p2 == 0x0C ? Response.ok() : Response.ok(fcp(fid));
        }
        throw Sw.fail(Sw.FILE_NOT_FOUND, "SELECT with P1 " + Integer.toHexString(p1));
    }

    /**
     * The answer to SELECT of the applet: an FCP with the proprietary tag 85 that OpenSC reads the
     * version from (last two bytes) and the build type before them (00: applet on JCOP).
     */
    private byte[] appletFci() {
        byte[] proprietary = {(byte) (card.options >>> 8), (byte) card.options, 0x00,
            SmartCardHsmSimulator.VERSION_MAJOR, SmartCardHsmSimulator.VERSION_MINOR};
        return Tlv.encode(0x62, Tlv.encode(0x82, new byte[] {0x78}), Tlv.encode(0x84, CardState.AID),
                Tlv.encode(0x85, proprietary));
    }

    private byte[] fcp(int fid) {
        int size = (fid >>> 8) == CardState.KEY_PREFIX ? 0 : card.files.get(fid).length;
        return Tlv.encode(0x62, Tlv.encode(0x80, new byte[] {(byte) (size >>> 8), (byte) size}),
                Tlv.encode(0x82, new byte[] {0x01}), Tlv.encode(0x83, new byte[] {(byte) (fid >>> 8), (byte) fid}));
    }

    private boolean exists(int fid) {
        if ((fid >>> 8) == CardState.KEY_PREFIX) {
            return (fid & 0xFF) == CardState.DEVICE_KEY || card.keys.containsKey(fid & 0xFF);
        }
        return card.files.containsKey(fid);
    }

    /** READ BINARY: B0 (offset in P1-P2, current file) or B1 (file in P1-P2, offset in tag 54). */
    Response readBinary(Apdu a) {
        requireApplet();
        int fid;
        int offset;
        if (a.ins() == 0xB1) {
            int p1p2 = (a.p1() << 8) | a.p2();
            fid = p1p2 == 0 ? current() : p1p2;
            offset = offsetIn(a.data());
        } else {
            if ((a.p1() & 0x80) != 0) {
                throw Sw.fail(Sw.FUNCTION_NOT_SUPPORTED, "short file identifiers are not supported");
            }
            fid = current();
            offset = (a.p1() << 8) | a.p2();
        }
        if ((fid >>> 8) == CardState.KEY_PREFIX) {
            throw Sw.fail(Sw.SECURITY_STATUS_NOT_SATISFIED, "keys are never read");
        }
        byte[] content = (fid >>> 8) == CardState.KEY_META_PREFIX ? metadata(fid & 0xFF) : card.files.get(fid);
        if (content == null) {
            throw Sw.fail(Sw.FILE_NOT_FOUND, "no file " + Integer.toHexString(fid));
        }
        if ((fid >>> 8) == CardState.PROTECTED_DATA_PREFIX) {
            card.requireUserPin();
        }
        card.currentEf = fid;
        if (offset > content.length) {
            throw Sw.fail(Sw.WRONG_OFFSET, "offset past the end of the file");
        }
        int available = content.length - offset;
        int n = Math.min(available, a.ne() == 0 ? 65536 : a.ne());
        byte[] out = Arrays.copyOfRange(content, offset, offset + n);
        // fewer bytes than asked for: the ISO warning, except for "as much as there is" (Le 0000)
        boolean shortRead = n < a.ne() && a.ne() < 65536;
        return new Response(out, shortRead || available == 0 ? Sw.END_OF_FILE : Sw.OK);
    }

    /** UPDATE BINARY D7: file in P1-P2 (0000: current), data {@code 54 offset 53 content}; creates the file. */
    Response updateBinary(Apdu a) {
        requireApplet();
        card.requireUserPin();
        int fid;
        int offset;
        byte[] content;
        if (a.ins() == 0xD7) {
            int p1p2 = (a.p1() << 8) | a.p2();
            fid = p1p2 == 0 ? current() : p1p2;
            List<Tlv> parts = parse(a.data());
            offset = Tlv.find(parts, 0x54).map(t -> unsigned(t.value()))
                    .orElseThrow(() -> Sw.fail(Sw.WRONG_DATA, "no offset"));
            content = Tlv.find(parts, 0x53).map(Tlv::value).orElseThrow(() -> Sw.fail(Sw.WRONG_DATA, "no data"));
        } else {
            fid = current();
            offset = (a.p1() << 8) | a.p2();
            content = a.data();
        }
        int prefix = fid >>> 8;
        if (prefix == CardState.KEY_PREFIX || fid == CardState.DEV_AUT) {
            throw Sw.fail(Sw.SECURITY_STATUS_NOT_SATISFIED, "file " + Integer.toHexString(fid) + " is not writable");
        }
        byte[] old = card.files.getOrDefault(fid, new byte[0]);
        if (offset > old.length) {
            throw Sw.fail(Sw.WRONG_OFFSET, "writing past the end of the file");
        }
        byte[] updated = Arrays.copyOf(old, Math.max(old.length, offset + content.length));
        if ((long) card.fileBytes() - old.length + updated.length > card.fileByteLimit) {
            throw Sw.fail(Sw.FILE_FULL, "not enough memory for file " + Integer.toHexString(fid));
        }
        System.arraycopy(content, 0, updated, offset, content.length);
        card.files.put(fid, updated);
        card.currentEf = fid;
        return Response.ok();
    }

    /** DELETE FILE (E4 02 00, file identifier as data): a key, a description, a certificate or data. */
    Response deleteFile(Apdu a) {
        requireApplet();
        card.requireUserPin();
        if (a.data().length != 2) {
            throw Sw.fail(Sw.WRONG_DATA, "DELETE FILE needs a file identifier");
        }
        int fid = ((a.data()[0] & 0xFF) << 8) | (a.data()[1] & 0xFF);
        if (fid == CardState.DEV_AUT || fid == ((CardState.KEY_PREFIX << 8) | CardState.DEVICE_KEY)) {
            throw Sw.fail(Sw.SECURITY_STATUS_NOT_SATISFIED, "the device key and certificates cannot be deleted");
        }
        boolean gone = (fid >>> 8) == CardState.KEY_PREFIX ? card.keys.remove(fid & 0xFF) != null
                : card.files.remove(fid) != null;
        if (!gone) {
            throw Sw.fail(Sw.FILE_NOT_FOUND, "no file " + Integer.toHexString(fid));
        }
        if (Integer.valueOf(fid).equals(card.currentEf)) {
            card.currentEf = null;
        }
        return Response.ok();
    }

    /** ENUMERATE OBJECTS (80 58): the identifiers of keys and of the PKCS#15 and data files. */
    Response enumerate(Apdu a) {
        requireApplet();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // key 0 is the device key: listed, but it has no description, so OpenSC shows nothing for it
        out.write(CardState.KEY_PREFIX);
        out.write(CardState.DEVICE_KEY);
        for (int ref : card.keys.keySet()) {
            out.write(CardState.KEY_PREFIX);
            out.write(ref);
            if (metadata(ref) != null) {
                out.write(CardState.KEY_META_PREFIX);
                out.write(ref);
            }
        }
        for (int fid : card.files.keySet()) {
            int prefix = fid >>> 8;
            if (Arrays.stream(CardState.LISTED_PREFIXES).anyMatch(p -> p == prefix)) {
                out.write(prefix);
                out.write(fid & 0xFF);
            }
        }
        return Response.ok(out.toByteArray());
    }

    /** The metadata of key {@code ref} (use counter, algorithms), kept with the key and gone with it. */
    private byte[] metadata(int ref) {
        KeyEntry k = card.keys.get(ref);
        return k == null ? null : k.metadata();
    }

    private int current() {
        if (card.currentEf == null) {
            throw Sw.fail(Sw.CONDITIONS_NOT_SATISFIED, "no file selected");
        }
        return card.currentEf;
    }

    private void requireApplet() {
        if (!card.appletSelected) {
            throw Sw.fail(Sw.INS_NOT_SUPPORTED, "the SmartCard-HSM application is not selected");
        }
    }

    private static List<Tlv> parse(byte[] data) {
        try {
            return Tlv.parseAll(data);
        } catch (IllegalArgumentException e) {
            throw Sw.fail(Sw.WRONG_DATA, e.getMessage());
        }
    }

    private static int offsetIn(byte[] data) {
        if (data.length == 0) {
            return 0;
        }
        return Tlv.find(parse(data), 0x54).map(t -> unsigned(t.value()))
                .orElseThrow(() -> Sw.fail(Sw.WRONG_DATA, "READ BINARY without offset"));
    }

    static int unsigned(byte[] b) {
        int v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xFF);
        }
        return v;
    }
}
