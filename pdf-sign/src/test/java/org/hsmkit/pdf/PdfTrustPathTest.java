package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.testdata.CriticalPolicyChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate path of a PDF signer, judged as openssl, NSS and Windows judge it. */
class PdfTrustPathTest {
    @TempDir
    Path dir;

    /** The JDK's validator refuses a critical certificate-policies extension with qualifiers by default. */
    @Test
    void aCaWithCriticalPoliciesAndACpsPointerLeadsToTheAnchor() throws Exception {
        CriticalPolicyChain c = CriticalPolicyChain.create();
        Path signed = dir.resolve("signed.pdf");
        PadesSigner.builder(SoftKey.of(c.signerKey(), c.chain(), "policy")).build()
                .sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), signed, false);
        SignatureReport s = PdfVerifier.trusting(List.of(c.root())).verify(signed).signatures().get(0);
        assertTrue(s.intact(), s.toString());
        assertTrue(s.trusted(), s.summary() + " " + s.failures());
    }
}
