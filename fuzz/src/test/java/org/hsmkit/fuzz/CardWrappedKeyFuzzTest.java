package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.card.WrappedKey;

/**
 * Key backups in sc-hsm-tool's wrapped-key format ({@code hsmkit key restore}). Reading refuses with
 * INPUT only; what it accepts can be described (label, id, key check value, certificate) without
 * any exception, and writes back to a file that reads as the same backup.
 */
class CardWrappedKeyFuzzTest {

    @FuzzTest
    void parse(byte[] file) throws Exception {
        WrappedKey k = Contract.call("parse", Contract.budget(file.length, 64), Contract.inputKinds(), () -> WrappedKey.parse(file));
        if (k == null) {
            return;
        }
        Contract.call("describe", Contract.budget(file.length, 256), Contract.inputKinds(), () -> {
            assertNotNull(k.label());
            assertNotNull(k.id());
            assertEquals(16, k.keyCheckValueHex().length());
            k.certificate();
            return null;
        });
        WrappedKey again = WrappedKey.parse(k.encode());
        assertArrayEquals(k.keyBlob(), again.keyBlob());
        assertArrayEquals(k.description().orElse(null), again.description().orElse(null));
        assertArrayEquals(k.certificateFile().orElse(null), again.certificateFile().orElse(null));
    }
}
