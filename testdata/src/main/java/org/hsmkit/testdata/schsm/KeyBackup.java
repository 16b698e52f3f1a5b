package org.hsmkit.testdata.schsm;

/**
 * IMPORT DKEK SHARE (80 52) and WRAP KEY / UNWRAP KEY (80 72 / 80 74, P1 key reference, P2 92 /
 * 93). The DKEK is the XOR of the imported 32-byte shares; the status answer is the number of
 * shares, the number still outstanding and the DKEK's key check value.
 */
final class KeyBackup {
    private final CardState card;

    KeyBackup(CardState card) {
        this.card = card;
    }

    Response importShare(Apdu a) {
        if (card.dkekShares < 0) {
            // what sc-hsm-tool reads as "not supported or not initialized for key shares"
            throw Sw.fail(Sw.INS_NOT_SUPPORTED, "the card was initialised without DKEK");
        }
        if (a.data().length > 0) {
            if (a.data().length != 32) {
                throw Sw.fail(Sw.WRONG_LENGTH, "a DKEK share has 32 bytes");
            }
            if (card.dkekShares == 0 || card.dkekImported >= card.dkekShares) {
                throw Sw.fail(Sw.CONDITIONS_NOT_SATISFIED, "no DKEK share outstanding");
            }
            for (int i = 0; i < 32; i++) {
                card.dkek[i] ^= a.data()[i];
            }
            card.dkekImported++;
        }
        byte[] status = new byte[10];
        status[0] = (byte) card.dkekShares;
        status[1] = (byte) Math.max(0, card.dkekShares - card.dkekImported);
        System.arraycopy(card.dkekKcv(), 0, status, 2, 8);
        return Response.ok(status);
    }

    Response wrap(Apdu a) {
        card.requireUserPin();
        if (a.p2() != 0x92) {
            throw Sw.fail(Sw.INCORRECT_P1P2, "WRAP KEY with P2 " + Integer.toHexString(a.p2()));
        }
        requireDkek();
        KeyEntry key = card.key(a.p1());
        return Response.ok(KeyBlob.wrap(key, card.dkek, card.random(8)));
    }

    Response unwrap(Apdu a) {
        card.requireUserPin();
        if (a.p2() != 0x93) {
            throw Sw.fail(Sw.INCORRECT_P1P2, "UNWRAP KEY with P2 " + Integer.toHexString(a.p2()));
        }
        requireDkek();
        if (a.p1() == CardState.DEVICE_KEY || card.keys.containsKey(a.p1())) {
            throw Sw.fail(Sw.FILE_EXISTS, "key reference " + a.p1() + " is taken");
        }
        KeyBlob.Unwrapped k = KeyBlob.unwrap(a.data(), card.dkek);
        card.keys.put(a.p1(), new KeyEntry(k.pair(), k.algorithms(), -1));
        return Response.ok();
    }

    private void requireDkek() {
        if (card.dkekShares < 0) {
            throw Sw.fail(Sw.INS_NOT_SUPPORTED, "the card was initialised without DKEK");
        }
        if (!card.dkekComplete()) {
            throw Sw.fail(Sw.CONDITIONS_NOT_SATISFIED, (card.dkekShares - card.dkekImported) + " DKEK share(s) outstanding");
        }
    }
}
