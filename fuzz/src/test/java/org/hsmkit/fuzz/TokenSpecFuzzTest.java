package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.internal.pkcs11.KeySelector;
import org.hsmkit.core.internal.pkcs11.Pkcs11Uri;

/**
 * Token selectors, PKCS#11 URIs and key references as a user or a script writes them. Parsing
 * refuses with USAGE only; and the URIs hsmkit itself writes for a token and a key (with any
 * label, serial and id) parse back to select exactly that token and key.
 */
class TokenSpecFuzzTest {

    @FuzzTest
    void parse(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        Contract.call("TokenSpec.parse", Contract.budget(input.length, 64), Contract.inputKinds(ErrorKind.USAGE), () -> TokenSpec.parse(text));
        Contract.call("Pkcs11Uri.parse", Contract.budget(input.length, 64), Contract.inputKinds(ErrorKind.USAGE), () -> Pkcs11Uri.parse(text));
        Contract.call("KeySelector.parse", Contract.budget(input.length, 64), Contract.inputKinds(ErrorKind.USAGE), () -> KeySelector.parse(text));

        String value = text.strip();
        String tokenUri = Pkcs11Uri.forToken(value, value, value, value);
        Pkcs11Uri token = Pkcs11Uri.parse(tokenUri);
        assertTrue(token.matchesToken(-1, "", value, value, value, value), tokenUri + " does not select the token it was made for");
        if (!value.isEmpty()) {
            assertEquals(value, token.token().orElseThrow());
        }
        String keyUri = Pkcs11Uri.forKey(tokenUri, input, value);
        if (input.length > 0 || !value.isEmpty()) {
            KeySelector key = KeySelector.parse(keyUri);
            assertTrue(key.matches(value, input), keyUri + " does not select the key it was made for");
            if (input.length > 0) {
                assertArrayEquals(input, key.uri().orElseThrow().id().orElseThrow());
            }
        }
    }
}
