package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.cms.CmsDecryptor;
import org.hsmkit.core.cms.CmsInspector;

/**
 * The CMS reader on hostile files: armor, BER, recipient infos, the streamed GCM and CBC content.
 * Inspect and decrypt (with the corpus keys, RSA and EC) refuse with INPUT, KEY or
 * VERIFICATION_FAILED only; a refused decryption leaves nothing in the output directory; an
 * authenticated decryption yields one of the plaintexts the seeds were made from (it cannot
 * produce bytes nobody encrypted to these keys).
 */
class CmsDecryptFuzzTest {
    private static final FuzzPki PKI = FuzzPki.get();
    private static final Set<String> PLAINTEXTS = FuzzPki.plaintextDigests();
    private static final Path DIR = Scratch.directory("decrypt");

    @FuzzTest
    void decrypt(byte[] input) throws Exception {
        Contract.call("inspect", Contract.budget(input.length, 16), Contract.inputKinds(),
                () -> CmsInspector.inspect(new ByteArrayInputStream(input)));
        Path target = DIR.resolve("plain");
        Contract.clear(DIR);
        CmsDecryptor.Decryption d = Contract.call("decrypt", Contract.budget(input.length, 16),
                Contract.inputKinds(ErrorKind.KEY, ErrorKind.VERIFICATION_FAILED), () -> Contract.clearUnchecked(DIR), () -> {
                    try (AtomicOutput out = AtomicOutput.toFile(target, false)) {
                        return CmsDecryptor.withKeys(PKI.keys()).decrypt(new ByteArrayInputStream(input), out);
                    }
                });
        try {
            if (d == null) {
                assertEquals(List.of(), Contract.files(DIR), "a refused decryption left files");
                return;
            }
            byte[] plain = Files.readAllBytes(target);
            assertEquals(plain.length, d.plaintextBytes());
            if (d.authenticated()) {
                assertTrue(PLAINTEXTS.contains(FuzzPki.sha256(plain)), "an authenticated decryption released bytes no seed encrypted");
            }
        } finally {
            Contract.clear(DIR);
        }
    }
}
