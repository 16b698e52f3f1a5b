package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.openpgp.PgpCertificate;
import org.hsmkit.core.openpgp.PgpDecryptor;
import org.hsmkit.core.openpgp.PgpInspector;
import org.hsmkit.core.openpgp.PgpVerifier;

/**
 * OpenPGP messages (binary or armoured; SEIPD v1 and v2, compressed, signed inside), as made by
 * hsmkit and gpg for the corpus keys. Inspecting refuses with INPUT only. Decrypting with the
 * corpus keys refuses with INPUT, KEY or VERIFICATION_FAILED only and then leaves nothing in the
 * output directory; a decryption that succeeds released one of the plaintexts the seeds encrypted
 * (only authenticated plaintext is ever released, so nothing else can come out). A message that
 * decrypts is decrypted again requiring good signatures by the corpus keyring: that succeeds only
 * with at least one signature, each by a keyring certificate, over the same plaintext.
 */
class PgpDecryptFuzzTest {
    private static final PgpDecryptor DECRYPTOR = PgpDecryptor.withKeys(PgpCorpus.get().keys());
    private static final PgpDecryptor CHECKING = DECRYPTOR.checkingSignatures(PgpVerifier.trusting(PgpCorpus.get().keyring()));
    private static final Set<String> KEYRING = PgpCorpus.get().keyring().stream().map(PgpCertificate::fingerprint)
            .collect(java.util.stream.Collectors.toSet());
    private static final Set<String> PLAINTEXTS = FuzzPki.plaintextDigests();
    private static final Path DIR = Scratch.directory("pgp-decrypt");

    static {
        // the corpus keys still open what hsmkit, gpg and Bouncy Castle encrypted to them (else: remake the seeds)
        for (String seed : List.of("seed-hsmkit-0.pgp", "seed-gpg-ec.asc", "seed-gpg-rsa.pgp", "seed-bc-gcm-64-byte-chunks.pgp")) {
            DECRYPTOR.decrypt(new ByteArrayInputStream(FuzzPki.resource("/org/hsmkit/fuzz/PgpDecryptFuzzTestInputs/decrypt/" + seed)),
                    AtomicOutput.toStream(java.io.OutputStream.nullOutputStream()));
        }
        // and the keyring checks the signatures inside what hsmkit and gpg signed and encrypted
        for (String seed : List.of("seed-hsmkit-signed-rsa-v2.pgp", "seed-gpg-signed-encrypted.pgp")) {
            CHECKING.decrypt(new ByteArrayInputStream(FuzzPki.resource("/org/hsmkit/fuzz/PgpDecryptFuzzTestInputs/decrypt/" + seed)),
                    AtomicOutput.toStream(java.io.OutputStream.nullOutputStream()));
        }
    }

    @FuzzTest
    void decrypt(byte[] input) throws Exception {
        Contract.call("inspect", Contract.budget(input.length, 16), Contract.inputKinds(),
                () -> PgpInspector.inspect(new ByteArrayInputStream(input)));
        Contract.Released<PgpDecryptor.Decryption> r = Contract.decryptToFile("decrypt", Contract.budget(input.length, 16),
                Contract.inputKinds(ErrorKind.KEY, ErrorKind.VERIFICATION_FAILED), DIR,
                out -> DECRYPTOR.decrypt(new ByteArrayInputStream(input), out));
        if (r != null) {
            assertEquals(r.plaintext().length, r.result().plaintextBytes());
            assertTrue(PLAINTEXTS.contains(FuzzPki.sha256(r.plaintext())), "a decryption released bytes no seed encrypted");
            Contract.Released<PgpDecryptor.Decryption> s = Contract.decryptToFile("decrypt checking signatures",
                    Contract.budget(input.length, 16), Contract.inputKinds(ErrorKind.KEY, ErrorKind.VERIFICATION_FAILED), DIR,
                    out -> CHECKING.decrypt(new ByteArrayInputStream(input), out));
            if (s != null) {
                assertTrue(java.util.Arrays.equals(r.plaintext(), s.plaintext()), "the same message released other bytes");
                assertFalse(s.result().signatures().isEmpty(), "released as signed without a signature");
                s.result().signatures().forEach(v -> assertTrue(KEYRING.contains(v.certificateFingerprint()), v.toString()));
            }
        }
    }
}
