package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.openpgp.PgpVerifier;
import org.hsmkit.core.openpgp.VerifiedSignature;

/**
 * OpenPGP signatures (inline, cleartext and detached; binary or armoured) made by hsmkit and gpg,
 * verified against the corpus keyring. Refusals are INPUT or VERIFICATION_FAILED only; a signature
 * said to verify covers exactly the corpus content (the signed words), whatever was changed
 * around it.
 */
class PgpVerifyFuzzTest {
    private static final PgpVerifier VERIFIER = PgpVerifier.trusting(PgpCorpus.get().keyring());
    private static final byte[] DETACHED = FuzzPki.resource("/org/hsmkit/fuzz/pgp/detached.sig");

    static {
        // the keyring still verifies what hsmkit and gpg signed (else: remake the seeds)
        VERIFIER.verifyDetached(new ByteArrayInputStream(DETACHED), new ByteArrayInputStream(FuzzPki.SIGNED_CONTENT));
        VERIFIER.verify(new ByteArrayInputStream(FuzzPki.resource("/org/hsmkit/fuzz/PgpVerifyFuzzTestInputs/verify/seed-gpg-cleartext.asc")),
                null);
    }

    @FuzzTest
    void verify(byte[] signed) throws Exception {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        List<VerifiedSignature> ok = Contract.call("verify", Contract.budget(signed.length, 16),
                Contract.inputKinds(ErrorKind.VERIFICATION_FAILED), content::reset, () -> VERIFIER.verify(new ByteArrayInputStream(signed), content));
        if (ok != null) {
            assertFalse(ok.isEmpty());
            assertArrayEquals(FuzzPki.SIGNED_CONTENT, content.toByteArray(), "a signature verified over other content");
        }
        List<VerifiedSignature> detached = Contract.call("verify detached", Contract.budget(signed.length, 16),
                Contract.inputKinds(ErrorKind.VERIFICATION_FAILED),
                () -> VERIFIER.verifyDetached(new ByteArrayInputStream(signed), new ByteArrayInputStream(FuzzPki.SIGNED_CONTENT)));
        if (detached != null) {
            assertFalse(detached.isEmpty());
        }
    }

    @FuzzTest
    void detachedContent(byte[] content) throws Exception {
        List<VerifiedSignature> ok = Contract.call("verify detached", Contract.budget(content.length, 16),
                Contract.inputKinds(ErrorKind.VERIFICATION_FAILED),
                () -> VERIFIER.verifyDetached(new ByteArrayInputStream(DETACHED), new ByteArrayInputStream(content)));
        if (ok != null) {
            assertArrayEquals(FuzzPki.SIGNED_CONTENT, content, "a detached signature verified over altered content");
        }
    }
}
