package org.hsmkit.core.card;

import java.util.HexFormat;

/**
 * The state of a SmartCard-HSM's Device Key Encryption Key.
 *
 * @param shares how many shares make the DKEK (0 when the device made a random DKEK itself)
 * @param outstanding how many shares are still to be imported
 * @param keyCheckValue the first 8 bytes of SHA-256 over the DKEK (meaningful once nothing is outstanding)
 */
public record DkekStatus(int shares, int outstanding, byte[] keyCheckValue) {

    public DkekStatus {
        keyCheckValue = keyCheckValue.clone();
    }

    @Override
    public byte[] keyCheckValue() {
        return keyCheckValue.clone();
    }

    /** Whether the DKEK is complete, so keys can be wrapped and unwrapped. */
    public boolean complete() {
        return outstanding == 0;
    }

    /**
     * Whether the DKEK is all zeros: its shares cancelled out, as when the same share file was
     * imported twice. Anyone can then unwrap what the device wraps.
     */
    public boolean zero() {
        return complete() && shares > 0 && java.security.MessageDigest.isEqual(keyCheckValue, DkekShare.keyCheckValue(new byte[32]));
    }

    /** The key check value in hex, as sc-hsm-tool prints it (upper case, no separators). */
    public String keyCheckValueHex() {
        return HexFormat.of().withUpperCase().formatHex(keyCheckValue);
    }
}
