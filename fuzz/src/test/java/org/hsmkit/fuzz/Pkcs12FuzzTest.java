package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;

/**
 * PKCS#12 files opened as the soft token ({@code -t soft:FILE}, {@code key import}): listing the
 * keys and signing with each refuses with INPUT or KEY only (a wrong passphrase is KEY), and reading
 * never changes the file or leaves anything beside it.
 */
class Pkcs12FuzzTest {
    private static final Path DIR = Scratch.directory("pkcs12");
    private static final byte[] DIGEST = new byte[32];
    /**
     * PBKDF2 (the JDK's and Bouncy Castle's) allocates some hundred bytes per iteration, and the
     * file chooses the iterations, up to the limit hsmkit enforces (2,000,000, for the MAC and for
     * each key): the allocation check here only catches the absurd; the campaign's 1 GiB heap
     * catches a large single allocation.
     */
    private static final long KEY_DERIVATION_BUDGET = 8L << 30;

    @FuzzTest
    void open(byte[] input) throws Exception {
        Path file = Files.write(DIR.resolve("token.p12"), input);
        Contract.call("open", KEY_DERIVATION_BUDGET, Contract.inputKinds(ErrorKind.KEY), () -> {
            try (Token t = TokenSpec.parse("soft:" + file).open(TokenOptions.withPins(PinSource.of(FuzzPki.PASSPHRASE.toCharArray())))) {
                for (TokenKey k : t.keys()) {
                    k.signDigest(SignatureScheme.defaultFor(k.type()), DigestAlgorithm.SHA256, DIGEST);
                }
                t.certificates();
            }
            return null;
        });
        assertArrayEquals(input, Files.readAllBytes(file), "reading changed the file");
        assertEquals(List.of("token.p12"), Contract.files(DIR), "reading left files beside the token");
    }
}
