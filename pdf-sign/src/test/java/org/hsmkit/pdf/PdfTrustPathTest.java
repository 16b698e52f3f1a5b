package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.util.List;

import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.pdf.internal.Http;
import org.hsmkit.pdf.internal.Revocation;
import org.hsmkit.testdata.CriticalPolicyChain;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.hsmkit.testdata.responders.PkiResponders;
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
    /**
     * A signature time-stamp made after its authority's certificate was revoked proves no time:
     * the signature is judged now, as without one, and a warning says why.
     */
    @Test
    void aTimeStampFromARevokedAuthorityProvesNoTime() throws Exception {
        try (PkiResponders r = PkiResponders.start()) {
            TestPki.Credential alice = r.pki().user(TestUser.ALICE_RSA2048);
            r.revoke(r.tsa().certificate());
            Path signed = dir.resolve("signed.pdf");
            PadesSigner.builder(SoftKey.of(alice.privateKey(), alice.chain(), "alice")).level(PadesLevel.B_T).tsa(r.tsaUrl()).build()
                    .sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), signed, false);
            List<X509CRL> crls = List.of(Revocation.parseCrl(Http.get(r.baseUrl() + "/crl/intermediate.crl")),
                    Revocation.parseCrl(Http.get(r.baseUrl() + "/crl/root.crl")));
            SignatureReport s = PdfVerifier.trusting(List.of(r.pki().root().certificate())).withCrls(crls).verify(signed)
                    .signatures().get(0);
            assertNull(s.provenTime(), s.toString());
            assertTrue(s.warnings().stream().anyMatch(w -> w.startsWith("the signature time-stamp was made after its authority's path"
                    + " was revoked (the certificate CN=hsmkit Test TSA")), s.warnings().toString());
            assertEquals(Indication.TOTAL_PASSED, s.indication(), "the signature itself is sound and judged now: " + s);
        }
    }
    /**
     * A signature time-stamp whose authority's certificate its CA signed with SHA-1 proves no time
     * either: the token's own time cannot prove its path older than SHA-1's end date.
     */
    @Test
    void aTimeStampFromAnAuthorityWithAWeakPathProvesNoTime() throws Exception {
        try (PkiResponders r = PkiResponders.start()) {
            r.tsaCertificateAlgorithm("SHA1withRSA");
            TestPki.Credential alice = r.pki().user(TestUser.ALICE_RSA2048);
            Path signed = dir.resolve("signed.pdf");
            PadesSigner.builder(SoftKey.of(alice.privateKey(), alice.chain(), "alice")).level(PadesLevel.B_T).tsa(r.tsaUrl()).build()
                    .sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), signed, false);
            SignatureReport s = PdfVerifier.trusting(List.of(r.pki().root().certificate())).verify(signed).signatures().get(0);
            assertNull(s.provenTime(), s.toString());
            assertTrue(s.warnings().contains("the signature time-stamp's authority is not relied on: the certificate CN=hsmkit Test TSA,"
                    + "OU=loopback,O=hsmkit tests,C=DE is signed by its issuer with SHA-1, not relied on for signatures since 2014"
                    + " (NIST SP 800-131A); its time is not used"), s.warnings().toString());
            assertEquals(Indication.TOTAL_PASSED, s.indication(), "the signature itself is sound and judged now: " + s);
        }
    }
}
