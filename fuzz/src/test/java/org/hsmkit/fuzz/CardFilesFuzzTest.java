package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.card.CardFileReaders;

/**
 * What a SmartCard-HSM (or anything answering in its place) returns and hsmkit parses: the
 * PKCS#15 descriptions of keys and data objects, EF.TokenInfo, key metadata, the CV request a key
 * generation returns, the FCP of the applet selection, and BER-TLV in general. The card layer
 * skips a file it cannot read when it catches {@link IllegalArgumentException}; any other
 * exception would escape from listing the token's keys, so it is a finding. The first input byte
 * picks the reader, the rest is the file.
 */
class CardFilesFuzzTest {

    @FuzzTest
    void read(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        byte[] file = java.util.Arrays.copyOfRange(input, 1, input.length);
        int reader = (input[0] & 0xFF) % CardFileReaders.COUNT;
        Object result = Contract.call("read", Contract.budget(file.length, 64), Contract.inputKinds(), () -> {
            try {
                return CardFileReaders.read(reader, file);
            } catch (IllegalArgumentException e) {
                throw HsmkitException.input("unreadable: " + e.getMessage(), null, e);
            }
        });
        if (result != null) {
            assertNotNull(result.toString());
        }
    }
}
