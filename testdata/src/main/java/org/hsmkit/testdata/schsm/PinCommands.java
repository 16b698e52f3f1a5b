package org.hsmkit.testdata.schsm;

import java.util.Arrays;
import java.util.List;

/**
 * VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER and INITIALIZE DEVICE. The user PIN (81)
 * has 6 to 16 characters and a retry counter (3 by default); the SO-PIN (88) is 8 bytes (16 hex
 * digits on the host side) with 15 tries. 85 and 86 (biometric templates) do not exist here.
 */
final class PinCommands {
    static final int USER = 0x81;
    static final int SO = 0x88;
    private final CardState card;

    PinCommands(CardState card) {
        this.card = card;
    }

    /** VERIFY; without data it reports the PIN state (63Cx, 6983, 9000 when verified) and spends no try. */
    Response verify(Apdu a) {
        if (a.p1() != 0) {
            throw Sw.fail(Sw.INCORRECT_P1P2, "VERIFY with P1 " + a.p1());
        }
        switch (a.p2()) {
            case USER -> {
                if (a.data().length == 0) {
                    return Response.status(userPinState());
                }
                card.checkUserPin(a.data());
                return Response.ok();
            }
            case SO -> {
                if (a.data().length == 0) {
                    return Response.status(card.soTries == 0 ? Sw.AUTHENTICATION_BLOCKED : Sw.triesLeft(card.soTries));
                }
                card.checkSoPin(a.data());
                return Response.ok();
            }
            case 0x85, 0x86 -> throw Sw.fail(Sw.REFERENCE_NOT_FOUND, "no biometric template");
            default -> throw Sw.fail(Sw.INCORRECT_P1P2, "no PIN with reference " + Integer.toHexString(a.p2()));
        }
    }

    private int userPinState() {
        if (!card.initialized) {
            return Sw.REFERENCE_DATA_NOT_USABLE;
        }
        if (card.userTries == 0) {
            return Sw.AUTHENTICATION_BLOCKED;
        }
        return card.userVerified ? Sw.OK : Sw.triesLeft(card.userTries);
    }

    /** CHANGE REFERENCE DATA: old PIN and new PIN one after the other; the card knows the old length. */
    Response change(Apdu a) {
        byte[] d = a.data();
        if (a.p1() != 0) {
            throw Sw.fail(Sw.INCORRECT_P1P2, "CHANGE REFERENCE DATA with P1 " + a.p1());
        }
        if (a.p2() == SO) {
            if (d.length != 16) {
                throw Sw.fail(Sw.WRONG_LENGTH, "old and new SO-PIN are 8 bytes each");
            }
            card.checkSoPin(Arrays.copyOf(d, 8));
            card.soPin = Arrays.copyOfRange(d, 8, 16);
            return Response.ok();
        }
        if (a.p2() != USER) {
            throw Sw.fail(Sw.INCORRECT_P1P2, "no PIN with reference " + Integer.toHexString(a.p2()));
        }
        if (!card.initialized) {
            throw Sw.fail(Sw.REFERENCE_DATA_NOT_USABLE, "not initialised");
        }
        int oldLength = card.userPin.length;
        if (d.length <= oldLength) {
            throw Sw.fail(Sw.WRONG_LENGTH, "no new PIN");
        }
        card.checkUserPin(Arrays.copyOf(d, oldLength));
        card.userPin = checkedPin(Arrays.copyOfRange(d, oldLength, d.length));
        return Response.ok();
    }

    /** RESET RETRY COUNTER: P1 00 with SO-PIN and new PIN, P1 01 with the SO-PIN alone. */
    Response resetRetryCounter(Apdu a) {
        if (a.p2() != USER) {
            throw Sw.fail(Sw.INCORRECT_P1P2, "RESET RETRY COUNTER for reference " + Integer.toHexString(a.p2()));
        }
        byte[] d = a.data();
        if (d.length < 8 || (a.p1() == 0x01 && d.length != 8) || (a.p1() != 0x00 && a.p1() != 0x01)) {
            throw Sw.fail(Sw.WRONG_LENGTH, "RESET RETRY COUNTER needs the SO-PIN");
        }
        if (a.p1() == 0x00 && (card.options & 0x0001) == 0) {
            throw Sw.fail(Sw.CONDITIONS_NOT_SATISFIED, "setting a new PIN with the SO-PIN is disabled");
        }
        card.checkSoPin(Arrays.copyOf(d, 8));
        if (a.p1() == 0x00) {
            card.userPin = checkedPin(Arrays.copyOfRange(d, 8, d.length));
        }
        card.userTries = card.userMaxTries;
        return Response.ok();
    }

    /**
     * INITIALIZE DEVICE (80 50): 80 options, 81 user PIN, 82 initialisation code (the SO-PIN),
     * 91 user PIN retry counter, 92 number of DKEK shares. Wipes keys and files; on an initialised
     * card the initialisation code must be the current SO-PIN.
     */
    Response initialize(Apdu a) {
        List<Tlv> parts;
        try {
            parts = Tlv.parseAll(a.data());
        } catch (IllegalArgumentException e) {
            throw Sw.fail(Sw.WRONG_DATA, e.getMessage());
        }
        byte[] so = Tlv.find(parts, 0x82).map(Tlv::value).orElseThrow(() -> Sw.fail(Sw.WRONG_DATA, "no initialisation code"));
        byte[] pin = Tlv.find(parts, 0x81).map(Tlv::value).orElseThrow(() -> Sw.fail(Sw.WRONG_DATA, "no user PIN"));
        if (so.length != 8) {
            throw Sw.fail(Sw.WRONG_DATA, "the initialisation code has 8 bytes");
        }
        checkedPin(pin);
        int retries = Tlv.find(parts, 0x91).map(t -> FileCommands.unsigned(t.value())).orElse(CardState.USER_PIN_MAX_TRIES_DEFAULT);
        if (retries < 1 || retries > 10) {
            throw Sw.fail(Sw.WRONG_DATA, "retry counter " + retries);
        }
        if (card.soPin != null) {
            card.checkSoPin(so);
        }
        card.keys.clear();
        card.files.keySet().removeIf(fid -> fid != CardState.DEV_AUT);
        card.initialized = true;
        card.userPin = pin.clone();
        card.userMaxTries = retries;
        card.userTries = retries;
        card.userVerified = false;
        card.soPin = so.clone();
        card.soTries = CardState.SO_PIN_MAX_TRIES;
        card.options = Tlv.find(parts, 0x80).map(t -> FileCommands.unsigned(t.value())).orElse(0x0001);
        // without tag 92 there is no DKEK at all; with 0 shares the card makes a DKEK of its own that nobody knows
        card.dkekShares = Tlv.find(parts, 0x92).map(t -> FileCommands.unsigned(t.value())).orElse(-1);
        card.dkekImported = 0;
        card.dkek = card.dkekShares == 0 ? card.random(32) : new byte[32];
        return Response.ok();
    }

    private static byte[] checkedPin(byte[] pin) {
        if (pin.length < 6 || pin.length > 16) {
            throw Sw.fail(Sw.WRONG_DATA, "a PIN has 6 to 16 characters");
        }
        return pin.clone();
    }
}
