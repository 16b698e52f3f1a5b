package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.bouncycastle.asn1.x509.KeyUsage;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.hsmkit.testdata.responders.PkiResponders;
import org.hsmkit.testdata.responders.PkiResponders.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs and services that fail: a clear error of the right kind, and nothing at the target. */
class PadesBadInputTest {
    @TempDir
    Path dir;

    private PadesSigner.Builder alice() {
        return PadesSigner.builder(PdfTestSupport.key(TestUser.ALICE_RSA2048)).tsa(PdfTestSupport.responders().tsaUrl());
    }

    private void assertNothingWritten(Path out) throws Exception {
        assertFalse(Files.exists(out), "no output at the target");
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".partial") || p.getFileName().toString().endsWith(".stage")),
                    "no temporary files left");
        }
    }

    @Test
    void notAPdf() throws Exception {
        Path in = dir.resolve("letter.pdf");
        Files.writeString(in, "Dear Sir,\nthis is plain text.\n", StandardCharsets.US_ASCII);
        Path out = dir.resolve("out.pdf");
        HsmkitException e = assertThrows(HsmkitException.class, () -> alice().build().sign(in, out, false));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("not a PDF"), e.getMessage());
        assertNothingWritten(out);
    }

    @Test
    void emptyFile() throws Exception {
        Path in = dir.resolve("empty.pdf");
        Files.write(in, new byte[0]);
        Path out = dir.resolve("out.pdf");
        HsmkitException e = assertThrows(HsmkitException.class, () -> alice().build().sign(in, out, false));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertNothingWritten(out);
    }

    @Test
    void brokenCrossReference() throws Exception {
        byte[] pdf = Files.readAllBytes(PdfTestSupport.corpus("pdfbox-sign_me.pdf"));
        String text = new String(pdf, StandardCharsets.ISO_8859_1);
        int sx = text.lastIndexOf("startxref");
        String tail = text.substring(sx).replaceFirst("startxref\\s+\\d+", "startxref\n" + (pdf.length / 2));
        Path in = dir.resolve("broken.pdf");
        Files.write(in, (text.substring(0, sx) + tail).getBytes(StandardCharsets.ISO_8859_1));
        Path out = dir.resolve("out.pdf");
        HsmkitException e = assertThrows(HsmkitException.class, () -> alice().build().sign(in, out, false));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("broken cross-reference"), e.getMessage());
        assertTrue(e.hint().orElse("").contains("repair"), e.hint().toString());
        assertNothingWritten(out);
    }

    /** PDFBox's parser throws unchecked on some malformed files (found by fuzzing): both ways, a damaged PDF. */
    @Test
    void aCrossReferenceStreamWithANegativeGenerationIsADamagedPdf() throws Exception {
        Path in = dir.resolve("negative.pdf");
        try (java.io.InputStream r = PadesBadInputTest.class.getResourceAsStream(
                "/org/hsmkit/fuzz/PdfVerifyFuzzTestInputs/verify/regression-xref-stream-negative-generation.pdf")) {
            Files.write(in, r.readAllBytes());
        }
        Path out = dir.resolve("out.pdf");
        HsmkitException signing = assertThrows(HsmkitException.class, () -> alice().build().sign(in, out, false));
        assertEquals(ErrorKind.INPUT, signing.kind());
        assertTrue(signing.getMessage().contains("its structure is malformed"), signing.getMessage());
        assertNothingWritten(out);
        HsmkitException verifying = assertThrows(HsmkitException.class, () -> PdfTestSupport.verifier().verify(in));
        assertEquals(ErrorKind.INPUT, verifying.kind());
    }

    @Test
    void truncatedPdf() throws Exception {
        byte[] pdf = Files.readAllBytes(PdfTestSupport.corpus("pdfbox-sign_me.pdf"));
        Path in = dir.resolve("cut.pdf");
        Files.write(in, java.util.Arrays.copyOf(pdf, pdf.length / 2));
        Path out = dir.resolve("out.pdf");
        HsmkitException e = assertThrows(HsmkitException.class, () -> alice().build().sign(in, out, false));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertNothingWritten(out);
    }

    @Test
    void unreachableTsaIsNamedAndNothingIsWritten() throws Exception {
        String url = PkiResponders.unreachableUrl("/tsa");
        Path out = dir.resolve("out.pdf");
        HsmkitException e = assertThrows(HsmkitException.class, () -> PadesSigner.builder(PdfTestSupport.key(TestUser.ALICE_RSA2048))
                .level(PadesLevel.B_T).tsa(url).build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), out, false));
        assertEquals(ErrorKind.IO, e.kind());
        assertTrue(e.getMessage().contains(url), e.getMessage());
        assertNothingWritten(out);
    }

    @Test
    void failingTsaIsNamed() throws Exception {
        PkiResponders r = PdfTestSupport.responders();
        Path out = dir.resolve("out.pdf");
        r.fail(Service.TSA, true);
        try {
            HsmkitException e = assertThrows(HsmkitException.class, () -> alice().level(PadesLevel.B_T).build()
                    .sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), out, false));
            assertTrue(e.getMessage().contains(r.tsaUrl()) && e.getMessage().contains("503"), e.getMessage());
        } finally {
            r.fail(Service.TSA, false);
        }
        assertNothingWritten(out);
    }

    @Test
    void revocationUnavailableAtBLtIsAClearErrorWhileBTStillWorks() throws Exception {
        PkiResponders r = PdfTestSupport.responders();
        Path out = dir.resolve("out.pdf");
        r.fail(Service.OCSP, true);
        r.fail(Service.CRL, true);
        try {
            HsmkitException e = assertThrows(HsmkitException.class, () -> alice().level(PadesLevel.B_LT).build()
                    .sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), out, false));
            assertEquals(ErrorKind.IO, e.kind());
            assertTrue(e.getMessage().contains("cannot get revocation data") && e.getMessage().contains(r.ocspUrl()), e.getMessage());
            assertTrue(e.hint().orElse("").contains("B-T"), e.hint().toString());
            assertNothingWritten(out);
            alice().level(PadesLevel.B_T).build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), out, false);
            assertTrue(PdfTestSupport.verifier().verify(out).valid());
        } finally {
            r.fail(Service.OCSP, false);
            r.fail(Service.CRL, false);
        }
    }

    /**
     * The responders answer OCSP for the signer and its CA, so B-LT embeds their responses and
     * needs no CRL. (hsmkit's nonce was once no DER OCTET STRING: the responder echoed it, hsmkit
     * could not read the echo, and every signature quietly fell back to CRLs.)
     */
    @Test
    void whenOcspIsUpItServesBLtWithoutCrls() throws Exception {
        Path out = dir.resolve("out.pdf");
        alice().level(PadesLevel.B_LT).build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), out, false);
        assertTrue(dssEntries(out, "OCSPs") >= 2, "the signer's and its CA's OCSP responses at least");
        assertEquals(0, dssEntries(out, "CRLs"));
        assertEquals("B-LT", PdfTestSupport.verifier().verify(out).signatures().get(0).level());
    }

    /**
     * An OCSP responder that signs with SHA-1 while the CRLs are signed with SHA-256: the signer
     * embeds the CRLs, which verifiers rely on, rather than the first answer it got.
     */
    @Test
    void soundCrlsAreEmbeddedRatherThanOcspResponsesSignedWithSha1() throws Exception {
        PkiResponders r = PdfTestSupport.responders();
        Path out = dir.resolve("out.pdf");
        r.revocationDigest(Service.OCSP, "SHA1");
        try {
            PadesSigner.Result signed = alice().level(PadesLevel.B_LT).build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), out, false);
            assertEquals(List.of(), signed.warnings(), "sound data was found: nothing to warn of");
        } finally {
            r.revocationDigest(Service.OCSP, "SHA256");
        }
        assertEquals(0, dssEntries(out, "OCSPs"));
        assertEquals(2, dssEntries(out, "CRLs"));
        PdfReport report = PdfTestSupport.verifier().verify(out);
        assertEquals(Indication.TOTAL_PASSED, report.signatures().get(0).indication(), report.toString());
        assertEquals("TOTAL_PASSED", DssOracle.validate(out, false).indications().get(0));
    }

    @Test
    void whenOcspIsDownCrlsServeBLt() {
        PkiResponders r = PdfTestSupport.responders();
        Path out = dir.resolve("out.pdf");
        r.fail(Service.OCSP, true);
        try {
            alice().level(PadesLevel.B_LT).build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), out, false);
        } finally {
            r.fail(Service.OCSP, false);
        }
        PdfReport report = PdfTestSupport.verifier().verify(out);
        assertTrue(report.valid(), report.toString());
        assertEquals("B-LT", report.signatures().get(0).level());
        DssOracle.Verdict v = DssOracle.validate(out, false);
        assertEquals(List.of("TOTAL_PASSED"), v.indications(), v.toString());
        assertEquals(List.of("PAdES-BASELINE-LT"), v.formats(), v.toString());
    }

    @Test
    void revokedSignerIsRefusedAtBLt() throws Exception {
        PkiResponders r = PdfTestSupport.responders();
        TestPki pki = r.pki();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair kp = g.generateKeyPair();
        TestPki.Credential c = pki.issueUser("Rita Revoked", kp, "rita@hsmkit.test", KeyUsage.digitalSignature, null,
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
        r.revoke(c.certificate());
        Path out = dir.resolve("out.pdf");
        HsmkitException e = assertThrows(HsmkitException.class, () -> PadesSigner.builder(SoftKey.of(c.privateKey(), c.chain(), "rita"))
                .level(PadesLevel.B_LT).tsa(r.tsaUrl()).build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), out, false));
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
        assertTrue(e.getMessage().contains("revoked"), e.getMessage());
        assertNothingWritten(out);
    }

    @Test
    void existingOutputIsNotReplacedWithoutForceAndTheInputIsNeverTheOutput() throws Exception {
        Path in = dir.resolve("in.pdf");
        Files.copy(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), in);
        Path out = dir.resolve("out.pdf");
        Files.writeString(out, "keep me");
        HsmkitException e = assertThrows(HsmkitException.class, () -> alice().build().sign(in, out, false));
        assertEquals(ErrorKind.USAGE, e.kind());
        assertEquals("keep me", Files.readString(out));
        HsmkitException same = assertThrows(HsmkitException.class, () -> alice().build().sign(in, in, true));
        assertEquals(ErrorKind.USAGE, same.kind());
        alice().build().sign(in, out, true);
        assertTrue(PdfTestSupport.verifier().verify(out).valid());
    }

    @Test
    void verifyingATextFileIsAnInputError() throws Exception {
        Path in = dir.resolve("x.pdf");
        Files.writeString(in, "hello");
        HsmkitException e = assertThrows(HsmkitException.class, () -> PdfTestSupport.verifier().verify(in));
        assertEquals(ErrorKind.INPUT, e.kind());
    }

    @Test
    void unsignedPdfIsNotValid() {
        PdfReport r = PdfTestSupport.verifier().verify(PdfTestSupport.corpus("pdfbox-sign_me.pdf"));
        assertTrue(r.signatures().isEmpty());
        assertFalse(r.valid());
    }

    /** How many entries the document's /DSS holds under {@code key} (OCSPs, CRLs, Certs); 0 without one. */
    private static int dssEntries(Path pdf, String key) throws Exception {
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf.toFile())) {
            org.apache.pdfbox.cos.COSDictionary dss = doc.getDocumentCatalog().getCOSObject()
                    .getCOSDictionary(org.apache.pdfbox.cos.COSName.getPDFName("DSS"));
            org.apache.pdfbox.cos.COSArray a = dss == null ? null : dss.getCOSArray(org.apache.pdfbox.cos.COSName.getPDFName(key));
            return a == null ? 0 : a.size();
        }
    }
}
