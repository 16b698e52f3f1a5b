package org.hsmkit.core.internal.card;

import java.util.ArrayList;
import java.util.List;

/**
 * The device public key of a SmartCard-HSM from its certificate chain (EF.C_DevAut), with the
 * elliptic-curve domain parameters it inherits from the certificates above it, down from the
 * root. Says nothing about trust: that is {@link org.hsmkit.core.card.DeviceChain}'s job.
 */
public final class DeviceKeys {
    private DeviceKeys() {
    }

    /**
     * @param efCDevAut the device certificate followed by its issuer's
     * @param root the encoded root certificate the chain is read against
     * @throws IllegalArgumentException when a certificate cannot be read or no parameters can be inherited
     */
    public static CvcPublicKey deviceKey(byte[] efCDevAut, byte[] root) {
        CvcPublicKey key = keyOf(Tlv.parse(root));
        List<Tlv> chain = new ArrayList<>();
        int i = 0;
        while (i < efCDevAut.length && efCDevAut[i] == 0x7F) {
            chain.add(Tlv.parse(efCDevAut, i));
            i += Tlv.encodedLength(efCDevAut, i);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no certificates");
        }
        for (int k = chain.size() - 1; k >= 0; k--) {
            key = keyOf(chain.get(k)).withParametersOf(key);
        }
        return key;
    }

    private static CvcPublicKey keyOf(Tlv cvc) {
        return CvcPublicKey.parse(cvc.require(0x7F4E).require(0x7F49));
    }
}
