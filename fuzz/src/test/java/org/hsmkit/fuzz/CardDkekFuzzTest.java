package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.card.DkekShare;
import org.hsmkit.core.card.DkekShareAccess;

/**
 * DKEK share files (sc-hsm-tool's {@code Salted__} AES-256-CBC format) opened with the corpus
 * password, at one key derivation round instead of ten million so that the fuzzer explores the
 * format. A wrong or garbled file is refused with INPUT (not a share file) or KEY (the password
 * does not open it), nothing else.
 *
 * <p>The format has no MAC: flipping bits of the first ciphertext block changes the share without
 * the padding check noticing (the key check value shown on import is the user's check). What the
 * target asserts is what the format does protect: a share that opens came from a file whose salt,
 * second and third ciphertext blocks are those of a corpus file.
 */
class CardDkekFuzzTest {
    private static final List<byte[]> CORPUS = List.of(
            FuzzPki.resource("/org/hsmkit/fuzz/card/share-1.dkek"), FuzzPki.resource("/org/hsmkit/fuzz/card/share-2.dkek"));

    @FuzzTest
    void open(byte[] file) throws Exception {
        DkekShare share = Contract.call("open", Contract.budget(file.length, 16), Contract.inputKinds(ErrorKind.KEY),
                () -> DkekShareAccess.decrypt(file, CardSeeds.DKEK_PASSWORD, CardSeeds.DKEK_ITERATIONS));
        if (share != null) {
            try (share) {
                assertTrue(CORPUS.stream().anyMatch(c -> protectedPartsEqual(c, file)),
                        "opened a share file whose salt or last two blocks no corpus file has");
                assertTrue(share.value().length == DkekShare.LENGTH && share.keyCheckValue().length == 8);
            }
        }
    }

    private static boolean protectedPartsEqual(byte[] corpus, byte[] file) {
        return file.length == corpus.length && Arrays.equals(corpus, 0, 16, file, 0, 16)
                && Arrays.equals(corpus, 32, corpus.length, file, 32, file.length);
    }
}
