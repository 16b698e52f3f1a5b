package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A PDF signature made today with SHA-1 (as old signing software still makes them) is intact but
 * INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE_NO_POE: no time-stamp proves it existed before SHA-1
 * stopped being relied on. The EU DSS validator gives the same verdict.
 */
class PdfWeakAlgorithmTest {
    @TempDir
    Path dir;

    private Path signedWith(String algorithm, TestUser user) throws Exception {
        return PdfTestSupport.signedByOtherSoftware(dir.resolve(algorithm + ".pdf"), algorithm, PdfTestSupport.pki().user(user));
    }

    @Test
    void aSha1SignatureWithoutATimeStampIsIndeterminateForItsAlgorithm() throws Exception {
        Path pdf = signedWith("SHA1withRSA", TestUser.ALICE_RSA2048);
        SignatureReport s = PdfTestSupport.verifier().verify(pdf).signatures().get(0);
        assertTrue(s.intact(), s.toString());
        assertEquals(Indication.INDETERMINATE, s.indication(), s.toString());
        assertEquals(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, s.subIndication(), s.toString());
        assertTrue(s.failures().stream().anyMatch(f -> f.startsWith("the signature uses SHA-1, not relied on for signatures since 2014")),
                s.failures().toString());
        // the path comes first, as EN 319 102-1 orders its checks: untrusted, it says so, and lists the weakness too
        SignatureReport untrusted = PdfVerifier.trusting(java.util.List.of()).verify(pdf).signatures().get(0);
        assertEquals(SubIndication.NO_CERTIFICATE_CHAIN_FOUND, untrusted.subIndication(), untrusted.toString());
        assertTrue(untrusted.failures().stream().anyMatch(f -> f.startsWith("the signature uses SHA-1")), untrusted.failures().toString());
        DssOracle.Verdict dss = DssOracle.validate(pdf, true);
        assertEquals("INDETERMINATE", dss.indications().get(0), dss.toString());
        assertEquals("CRYPTO_CONSTRAINTS_FAILURE_NO_POE", dss.details().get(0).subIndication(), dss.toString());
    }

    /** The same signer with SHA-256 passes: the test above fails for the algorithm alone. */
    @Test
    void theSameSignatureWithSha256Passes() throws Exception {
        Path pdf = signedWith("SHA256withRSA", TestUser.ALICE_RSA2048);
        SignatureReport s = PdfTestSupport.verifier().verify(pdf).signatures().get(0);
        assertEquals(Indication.TOTAL_PASSED, s.indication(), s.toString());
        assertEquals("TOTAL_PASSED", DssOracle.validate(pdf, true).indications().get(0));
    }

    /**
     * A time-stamp signed with SHA-1 proves no time (a forged one could claim any), so the
     * signature is judged now, as without one, and a warning says why.
     */
    @Test
    void aSha1TimeStampProvesNoTime() throws Exception {
        Path pdf = dir.resolve("weak-tsa.pdf");
        PdfTestSupport.responders().timestampSignatureAlgorithm("SHA1withRSA");
        try {
            PadesSigner.builder(PdfTestSupport.key(TestUser.ALICE_RSA2048)).level(PadesLevel.B_T)
                    .tsa(PdfTestSupport.responders().tsaUrl()).build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), pdf, false);
        } finally {
            PdfTestSupport.responders().timestampSignatureAlgorithm("SHA256withRSA");
        }
        SignatureReport s = PdfTestSupport.verifier().verify(pdf).signatures().get(0);
        assertEquals(null, s.provenTime(), s.toString());
        assertTrue(s.warnings().contains("the signature time-stamp uses SHA-1, not relied on for signatures since 2014"
                + " (NIST SP 800-131A); its time is not used"), s.warnings().toString());
        assertEquals(Indication.TOTAL_PASSED, s.indication(), "the signature itself is sound and judged now: " + s);
    }

    /**
     * A document time-stamp signed with SHA-1 is INDETERMINATE for its algorithm (its own time
     * proves nothing of itself); the signature it covers, sound on its own, still passes. DSS
     * agrees on both.
     */
    @Test
    void aSha1DocumentTimeStampIsIndeterminateAndTheSignatureUnderItStands() throws Exception {
        Path lt = dir.resolve("lt.pdf");
        PadesSigner.builder(PdfTestSupport.key(TestUser.BOB_P256)).level(PadesLevel.B_LT).tsa(PdfTestSupport.responders().tsaUrl())
                .validationData(ValidationDataSources.fetching()).build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), lt, false);
        Path lta = dir.resolve("weak-lta.pdf");
        PdfTestSupport.responders().timestampSignatureAlgorithm("SHA1withRSA");
        try {
            new PadesExtender(PadesLevel.B_LTA, PdfTestSupport.responders().tsaUrl(), DigestAlgorithm.SHA256,
                    ValidationDataSources.fetching(), null).extend(lt, lta, false);
        } finally {
            PdfTestSupport.responders().timestampSignatureAlgorithm("SHA256withRSA");
        }
        PdfReport r = PdfTestSupport.verifier().verify(lta);
        assertEquals(2, r.signatures().size(), r.toString());
        assertEquals(Indication.TOTAL_PASSED, r.signatures().get(0).indication(), r.toString());
        SignatureReport ts = r.signatures().get(1);
        assertEquals(SignatureReport.Kind.DOCUMENT_TIMESTAMP, ts.kind());
        assertTrue(ts.intact(), ts.toString());
        assertEquals(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, ts.subIndication(), ts.toString());
        assertEquals(java.util.List.of("the document time-stamp uses SHA-1, not relied on for signatures since 2014, and no trusted"
                + " time-stamp proves it was made before"), ts.failures());
        // the EU DSS validator says the same of both
        DssOracle.Verdict dss = DssOracle.validate(lta, true);
        assertEquals("TOTAL_PASSED", dss.details().get(0).indication(), dss.toString());
        assertEquals("INDETERMINATE", dss.details().get(1).indication(), dss.toString());
        assertEquals("CRYPTO_CONSTRAINTS_FAILURE_NO_POE", dss.details().get(1).subIndication(), dss.toString());
    }
    /**
     * A B-LT signature whose embedded OCSP responses and CRLs are signed with SHA-1, as some old
     * responders still sign them: a forged response could say "good", so the signer's status is
     * not established and the signature is INDETERMINATE for that, as DSS judges it; at B-LTA too,
     * since the archive time-stamp is from after SHA-1's end date.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = PadesLevel.class, names = {"B_LT", "B_LTA"})
    void revocationDataSignedWithSha1DoesNotEstablishTheSignersStatus(PadesLevel level) throws Exception {
        Path pdf = dir.resolve(level + ".pdf");
        PdfTestSupport.responders().revocationDigest("SHA1");
        PadesSigner.Result signed;
        try {
            signed = PadesSigner.builder(PdfTestSupport.key(TestUser.BOB_P256)).level(level).tsa(PdfTestSupport.responders().tsaUrl())
                    .validationData(ValidationDataSources.fetching()).build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), pdf, false);
        } finally {
            PdfTestSupport.responders().revocationDigest("SHA256");
        }
        // the signer had no sound data to embed instead, and says what verifiers will make of it
        assertTrue(signed.warnings().stream().anyMatch(w -> w.startsWith("the OCSP response on CN=Bob P-256,") && w.contains(" uses SHA-1,")
                && w.endsWith("verifiers will not rely on it (EU DSS: INDETERMINATE)")), signed.warnings().toString());
        PdfReport r = PdfTestSupport.verifier().verify(pdf);
        SignatureReport s = r.signatures().get(0);
        assertTrue(s.intact() && s.trusted(), s.toString());
        assertEquals(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, s.subIndication(), s.toString());
        assertTrue(s.revocation().matches("good: embedded OCSP/CRL data for \\d certificate\\(s\\) \\(for \\d signed with an algorithm"
                + " no longer relied on\\)"), s.revocation());
        assertTrue(s.failures().stream().anyMatch(f -> f.matches("the (OCSP response on|CRL of) CN=.* uses SHA-1, not relied on for"
                + " signatures since 2014, and no trusted time-stamp proves it was made before: it does not establish the"
                + " certificate's status")), s.failures().toString());
        DssOracle.Verdict dss = DssOracle.validate(pdf, false);
        for (int i = 0; i < r.signatures().size(); i++) {
            SignatureReport ours = r.signatures().get(i);
            DssOracle.Signed theirs = dss.field(ours.field());
            assertEquals(theirs.indication() + "/" + theirs.subIndication(), ours.indication() + "/" + ours.subIndication(),
                    ours + "\n" + dss);
        }
    }

    /** The same signature with SHA-256 revocation data passes (the test above fails for the data's algorithm alone). */
    @Test
    void theSameWithSha256RevocationDataPasses() throws Exception {
        Path pdf = dir.resolve("lt.pdf");
        PadesSigner.builder(PdfTestSupport.key(TestUser.BOB_P256)).level(PadesLevel.B_LT).tsa(PdfTestSupport.responders().tsaUrl())
                .validationData(ValidationDataSources.fetching()).build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), pdf, false);
        SignatureReport s = PdfTestSupport.verifier().verify(pdf).signatures().get(0);
        assertEquals(Indication.TOTAL_PASSED, s.indication(), s.toString());
        assertEquals("TOTAL_PASSED", DssOracle.validate(pdf, false).indications().get(0));
    }
    /**
     * A sound signature whose signer's certificate its CA signed with SHA-1: the path is not relied
     * on, and a signature time-stamp from today proves nothing older. DSS agrees.
     */
    @Test
    void aSignerCertificateSignedWithSha1IsNotReliedOn() throws Exception {
        TestPki.Credential ca = PdfTestSupport.pki().intermediate();
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair keys = g.generateKeyPair();
        java.time.Instant now = java.time.Instant.now();
        java.security.cert.X509Certificate cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(ca.certificate(), java.math.BigInteger.valueOf(now.toEpochMilli()),
                        java.util.Date.from(now.minusSeconds(3600)), java.util.Date.from(now.plusSeconds(86400 * 30)),
                        new javax.security.auth.x500.X500Principal("CN=SHA-1 certified"), keys.getPublic())
                        .addExtension(org.bouncycastle.asn1.x509.Extension.keyUsage, true,
                                new org.bouncycastle.asn1.x509.KeyUsage(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature))
                        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA1withRSA").build(ca.privateKey())));
        Path pdf = dir.resolve("weak-path.pdf");
        PadesSigner.builder(org.hsmkit.core.internal.soft.SoftKey.of(keys.getPrivate(), java.util.List.of(cert, ca.certificate()), "weak"))
                .level(PadesLevel.B_T).tsa(PdfTestSupport.responders().tsaUrl()).build()
                .sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), pdf, false);
        SignatureReport s = PdfTestSupport.verifier().verify(pdf).signatures().get(0);
        assertTrue(s.intact(), s.toString());
        assertEquals(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, s.subIndication(), s.toString());
        assertEquals(java.util.List.of("the certificate CN=SHA-1 certified is signed by its issuer with SHA-1, not"
                + " relied on for signatures since 2014 (NIST SP 800-131A), and no trusted time-stamp proves the signature was made"
                + " before"), s.failures());
        assertFalse(s.trusted(), s.toString());
        DssOracle.Verdict dss = DssOracle.validate(pdf, true);
        assertEquals("INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE_NO_POE", dss.details().get(0).indication() + "/"
                + dss.details().get(0).subIndication(), dss.toString());
    }
}
