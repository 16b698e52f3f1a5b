package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
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
        Contract.Released<CmsDecryptor.Decryption> r = Contract.decryptToFile("decrypt", Contract.budget(input.length, 16),
                Contract.inputKinds(ErrorKind.KEY, ErrorKind.VERIFICATION_FAILED), DIR,
                out -> CmsDecryptor.withKeys(PKI.keys()).decrypt(new ByteArrayInputStream(input), out));
        if (r != null) {
            assertEquals(r.plaintext().length, r.result().plaintextBytes());
            if (r.result().authenticated()) {
                assertTrue(PLAINTEXTS.contains(FuzzPki.sha256(r.plaintext())), "an authenticated decryption released bytes no seed encrypted");
            }
        }
    }
}
