package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real-world inputs: forms, encryption, PDF/A, earlier signatures, many revisions, certification, appearances. */
class PadesCorpusTest {
    @TempDir
    Path dir;

    private PadesSigner.Builder alice() {
        return PadesSigner.builder(PdfTestSupport.key(TestUser.ALICE_RSA2048)).tsa(PdfTestSupport.responders().tsaUrl());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pdfbox-with_outline.pdf", "dss-pdf-2.0.pdf", "pdfbox-PDFA3A.pdf", "dss-pdfa2a-rgb.pdf",
        "pdfbox-AcroFormsBasicFields.pdf"})
    void plainAndStructuredDocumentsSignAtBT(String name) {
        Path out = dir.resolve("out.pdf");
        alice().level(PadesLevel.B_T).build().sign(PdfTestSupport.corpus(name), out, false);
        PdfReport r = PdfTestSupport.verifier().verify(out);
        assertTrue(r.valid(), r.toString());
        PdfTestSupport.assertPdfsigAccepts(out, 1);
        DssOracle.Verdict v = DssOracle.validate(out, true);
        assertEquals(List.of("TOTAL_PASSED"), v.indications(), name + ": " + v);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dss-Signature-P-BG_BOR-1.pdf", "dss-doc-firmado-T.pdf", "dss-doc-firmado-LT.pdf", "dss-DSS1376-rev_n.pdf"})
    void documentsSignedElsewhereKeepTheirSignatures(String name) {
        Path in = PdfTestSupport.corpus(name);
        int before = PdfVerifier.trusting(List.of()).verify(in).signatures().size();
        Path out = dir.resolve("out.pdf");
        alice().level(PadesLevel.B_T).build().sign(in, out, false);
        PdfReport r = PdfTestSupport.verifier().verify(out);
        assertEquals(before + 1, r.signatures().size(), r.toString());
        SignatureReport ours = r.signatures().get(r.signatures().size() - 1);
        assertTrue(ours.valid(), r.toString());
        assertTrue(ours.coversWholeFile());
        for (SignatureReport earlier : r.signatures().subList(0, before)) {
            assertTrue(earlier.intact(), "an earlier signature must still be intact: " + r.toString());
            assertTrue(earlier.changesAfter().stream().allMatch(SignatureReport.Change::allowed),
                    "our incremental update is an allowed change for " + earlier.field() + ": " + r.toString());
        }
        String pdfsig = PdfTestSupport.pdfsig(out);
        assertTrue(pdfsig.contains("Signature #" + (before + 1)), pdfsig);
        assertTrue(pdfsig.substring(pdfsig.lastIndexOf("Signature #")).contains("Signature is Valid."), pdfsig);
    }

    @Test
    void encryptedDocumentsAreSignedWithTheirPassword() throws Exception {
        Path out = dir.resolve("enc.pdf");
        Path in = PdfTestSupport.corpus("pdfbox-PasswordSample-256bit.pdf");
        HsmkitException e = assertThrows(HsmkitException.class, () -> alice().build().sign(in, out, false));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
        assertFalse(Files.exists(out));

        alice().password("owner".toCharArray()).build().sign(in, out, false);
        PdfReport r = PdfTestSupport.verifier().withPassword("owner".toCharArray()).verify(out);
        assertTrue(r.valid(), r.toString());
        String pdfsig = PdfTestSupport.pdfsigWithPassword(out, "owner");
        assertTrue(pdfsig.contains("Signature is Valid."), pdfsig);
    }

    @Test
    void encryptedDocumentAtBLtaKeepsItsValidationDataReadable() {
        Path out = dir.resolve("enc-lta.pdf");
        alice().level(PadesLevel.B_LTA).password("owner".toCharArray()).build()
                .sign(PdfTestSupport.corpus("pdfbox-PasswordSample-256bit.pdf"), out, false);
        PdfReport r = PdfTestSupport.verifier().withPassword("owner".toCharArray()).verify(out);
        assertTrue(r.valid(), r.toString());
        assertEquals("B-LTA", r.signatures().get(0).level(), r.toString());
        DssOracle.Verdict v = DssOracle.validate(out, false, "owner");
        assertEquals("TOTAL_PASSED", v.indications().get(0), v.toString());
        assertEquals("PAdES-BASELINE-LTA", v.formats().get(0), v.toString());
    }

    @Test
    void userPasswordSpaceDocumentIsSigned() {
        Path out = dir.resolve("protected.pdf");
        alice().password(" ".toCharArray()).build().sign(PdfTestSupport.corpus("pdfbox-sign_me_protected.pdf"), out, false);
        assertTrue(PdfTestSupport.verifier().withPassword(" ".toCharArray()).verify(out).valid());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pdfbox-AcroFormsBasicFields.pdf", "dss-unsignedPDFWithSignatureFieldButInvisible.pdf",
        "dss-edition_protected_signing_allowed_with_field.pdf"})
    void existingEmptySignatureFieldsAreFilled(String name) throws Exception {
        Path in = PdfTestSupport.corpus(name);
        String field = emptySignatureField(in);
        Path out = dir.resolve("field.pdf");
        alice().field(field).build().sign(in, out, false);
        PdfReport r = PdfTestSupport.verifier().verify(out);
        assertTrue(r.valid(), r.toString());
        assertEquals(field, r.signatures().get(0).field());
        assertTrue(r.signatures().get(0).coversWholeFile(), r.toString());
        // poppler 22.12 calls the signature of the edit-protected sample "not total" although its
        // byte range ends at the file's last byte; the other two verifiers agree it covers the file.
        PdfTestSupport.assertPdfsigAccepts(out, 1, !name.startsWith("dss-edition_protected"));
        assertEquals(List.of("TOTAL_PASSED"), DssOracle.validate(out, true).indications());
        HsmkitException again = assertThrows(HsmkitException.class,
                () -> alice().field(field).build().sign(out, dir.resolve("twice.pdf"), false));
        assertTrue(again.getMessage().contains("signed already"), again.getMessage());
    }

    @Test
    void certificationAllowsLaterSignaturesAtP2AndRefusesAtP1() {
        Path certified = dir.resolve("certified.pdf");
        alice().certify(DocMdpPermission.FORM_FILL_AND_SIGN).build()
                .sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), certified, false);
        Path second = dir.resolve("second.pdf");
        PadesSigner.builder(PdfTestSupport.key(TestUser.BOB_P256)).build().sign(certified, second, false);
        PdfReport r = PdfTestSupport.verifier().verify(second);
        assertTrue(r.valid(), r.toString());
        assertEquals(2, r.signatures().get(0).certificationLevel());
        PdfTestSupport.assertPdfsigAccepts(second, 2);
        assertEquals(List.of("TOTAL_PASSED", "TOTAL_PASSED"), DssOracle.validate(second, true).indications());

        HsmkitException notFirst = assertThrows(HsmkitException.class, () -> alice().certify(DocMdpPermission.FORM_FILL_AND_SIGN)
                .build().sign(second, dir.resolve("x.pdf"), false));
        assertEquals(ErrorKind.USAGE, notFirst.kind());

        Path locked = dir.resolve("locked.pdf");
        alice().certify(DocMdpPermission.NO_CHANGES).build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), locked, false);
        Path refused = dir.resolve("refused.pdf");
        HsmkitException e = assertThrows(HsmkitException.class, () -> alice().build().sign(locked, refused, false));
        assertTrue(e.getMessage().contains("P=1"), e.getMessage());
        assertFalse(Files.exists(refused));
    }

    @Test
    void visibleSignatureEmbedsItsFontAndIsAcceptedEverywhere() throws Exception {
        Path out = dir.resolve("visible.pdf");
        alice().level(PadesLevel.B_T).reason("Contract approval").location("Köln")
                .visible(VisibleSignature.parse("1:50,50,240,70")).build().sign(PdfTestSupport.corpus("pdfbox-PDFA3A.pdf"), out, false);
        PdfReport r = PdfTestSupport.verifier().verify(out);
        assertTrue(r.valid(), r.toString());
        PdfTestSupport.assertPdfsigAccepts(out, 1);
        assertEquals(List.of("TOTAL_PASSED"), DssOracle.validate(out, true).indications());
        try (PDDocument doc = Loader.loadPDF(out.toFile())) {
            PDSignatureField f = (PDSignatureField) doc.getDocumentCatalog().getAcroForm().getFields().stream()
                    .filter(x -> x instanceof PDSignatureField).reduce((a, b) -> b).orElseThrow();
            var ap = f.getWidgets().get(0).getNormalAppearanceStream();
            assertNotNull(ap, "a visible signature has an appearance");
            assertTrue(f.getWidgets().get(0).isPrinted(), "PDF/A wants printable annotations");
            boolean embedded = false;
            for (COSName n : ap.getResources().getFontNames()) {
                PDFont font = ap.getResources().getFont(n);
                embedded |= font.isEmbedded();
            }
            assertTrue(embedded, "the appearance font is embedded");
        }
    }

    @Test
    void aDocumentOfThreeHundredPagesIsSignedWithoutLoadingItTwice() throws Exception {
        Path big = dir.resolve("big.pdf");
        try (PDDocument d = new PDDocument()) {
            var font = new org.apache.pdfbox.pdmodel.font.PDType1Font(org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName.HELVETICA);
            for (int i = 1; i <= 300; i++) {
                var page = new org.apache.pdfbox.pdmodel.PDPage();
                d.addPage(page);
                try (var cs = new org.apache.pdfbox.pdmodel.PDPageContentStream(d, page)) {
                    cs.beginText();
                    cs.setFont(font, 12);
                    cs.newLineAtOffset(72, 700);
                    cs.showText("Page " + i + " of the long contract");
                    cs.endText();
                }
            }
            d.save(big.toFile());
        }
        Path out = dir.resolve("big-signed.pdf");
        alice().level(PadesLevel.B_T).visible(VisibleSignature.parse("300:50,50,200,60")).build().sign(big, out, false);
        PdfReport r = PdfTestSupport.verifier().verify(out);
        assertTrue(r.valid(), r.toString());
        PdfTestSupport.assertPdfsigAccepts(out, 1);
    }

    static String emptySignatureField(Path pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            PDAcroForm form = doc.getDocumentCatalog().getAcroForm();
            for (PDField f : form.getFieldTree()) {
                if (f instanceof PDSignatureField && !(f.getCOSObject().getDictionaryObject(COSName.V) instanceof COSDictionary)) {
                    return f.getFullyQualifiedName();
                }
            }
        }
        throw new AssertionError("no empty signature field in " + pdf);
    }
}
