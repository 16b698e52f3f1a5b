package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.cert.X509Certificate;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.cms.CmsVerifier;

/**
 * CMS signature verification on hostile signature files and hostile content. Refusals are INPUT or
 * VERIFICATION_FAILED only; a signature said to verify was made by a corpus key over exactly the
 * corpus content, whatever was changed around it.
 */
class CmsVerifyFuzzTest {
    private static final FuzzPki PKI = FuzzPki.get();
    private static final CmsVerifier VERIFIER = CmsVerifier.trusting(List.of(PKI.root));
    private static final byte[] DETACHED = FuzzPki.resource(FuzzPki.RESOURCES + "detached.p7s");

    @FuzzTest
    void verify(byte[] signature) throws Exception {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        List<CmsVerifier.Signer> signers = Contract.call("verify", Contract.budget(signature.length, 16),
                Contract.inputKinds(ErrorKind.VERIFICATION_FAILED), content::reset, () -> {
                    try {
                        return VERIFIER.verify(new ByteArrayInputStream(signature), null, content);
                    } catch (HsmkitException e) {
                        if (e.kind() != ErrorKind.INPUT || !e.getMessage().startsWith("the signature is detached")) {
                            throw e;
                        }
                        content.reset();
                        content.write(FuzzPki.SIGNED_CONTENT);
                        return VERIFIER.verify(new ByteArrayInputStream(signature), new ByteArrayInputStream(FuzzPki.SIGNED_CONTENT), null);
                    }
                });
        if (signers != null) {
            assertFalse(signers.isEmpty());
            assertArrayEquals(FuzzPki.SIGNED_CONTENT, content.toByteArray(), "a signature verified over other content");
            for (CmsVerifier.Signer s : signers) {
                assertTrue(isCorpusSigner(s.certificate()), "verified a signer that is not a corpus key: " + s.certificate());
            }
        }
    }

    @FuzzTest
    void detachedContent(byte[] content) throws Exception {
        List<CmsVerifier.Signer> signers = Contract.call("verify", Contract.budget(content.length, 16),
                Contract.inputKinds(ErrorKind.VERIFICATION_FAILED),
                () -> VERIFIER.verify(new ByteArrayInputStream(DETACHED), new ByteArrayInputStream(content), null));
        if (signers != null) {
            assertArrayEquals(FuzzPki.SIGNED_CONTENT, content, "a detached signature verified over altered content");
        }
    }

    private static boolean isCorpusSigner(X509Certificate c) {
        return c.equals(PKI.rsaCertificate) || c.equals(PKI.ecCertificate);
    }
}
