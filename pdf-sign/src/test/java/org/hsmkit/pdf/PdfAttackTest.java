package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationText;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack classes of the PDF-signature research, built here from a valid signed file: each
 * must make verification fail with a reason that names what happened.
 */
class PdfAttackTest {
    @TempDir
    Path dir;
    Path signed;

    @BeforeEach
    void sign() {
        signed = dir.resolve("signed.pdf");
        PadesSigner.builder(PdfTestSupport.key(TestUser.ALICE_RSA2048)).build()
                .sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), signed, false);
        assertTrue(PdfTestSupport.verifier().verify(signed).valid());
    }

    private static String failures(PdfReport r) {
        StringBuilder sb = new StringBuilder(String.join("; ", r.problems()));
        for (SignatureReport s : r.signatures()) {
            sb.append("; ").append(String.join("; ", s.failures()));
        }
        return sb.toString();
    }

    @Test
    void incrementalSavingAttackChangingPageContentIsReported() throws Exception {
        Path attacked = dir.resolve("isa.pdf");
        drawOnPageOne(signed, attacked, cs -> {
            cs.beginText();
            cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 24);
            cs.newLineAtOffset(100, 100);
            cs.showText("PAY 1,000,000 EUR");
            cs.endText();
        });
        PdfReport r = PdfTestSupport.verifier().verify(attacked);
        assertFalse(r.valid(), r.toString());
        SignatureReport s = r.signatures().get(0);
        assertTrue(s.intact(), "the signed revision itself is untouched");
        assertFalse(s.coversWholeFile());
        assertTrue(failures(r).contains("page 1 entry /Contents changed (page content)"), failures(r));
    }

    @Test
    void addedAnnotationAfterApprovalSignatureIsReported() throws Exception {
        Path attacked = dir.resolve("annot.pdf");
        try (PDDocument doc = Loader.loadPDF(signed.toFile()); OutputStream out = Files.newOutputStream(attacked)) {
            PDPage page = doc.getPage(0);
            PDAnnotationText note = new PDAnnotationText();
            note.setContents("approved by the CEO");
            note.setRectangle(new org.apache.pdfbox.pdmodel.common.PDRectangle(10, 10, 20, 20));
            page.getAnnotations().add(note);
            page.getCOSObject().setNeedToBeUpdated(true);
            doc.saveIncremental(out);
        }
        PdfReport r = PdfTestSupport.verifier().verify(attacked);
        assertFalse(r.valid(), r.toString());
        assertTrue(failures(r).contains("Text annotation added"), failures(r));
    }

    @Test
    void contentAppendedAfterTheLastRevisionIsReported() throws Exception {
        Path attacked = dir.resolve("appended.pdf");
        Files.copy(signed, attacked);
        Files.writeString(attacked, "\n99 0 obj\n(this text is covered by no signature)\nendobj\n",
                StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        PdfReport r = PdfTestSupport.verifier().verify(attacked);
        assertFalse(r.valid(), r.toString());
        assertTrue(failures(r).contains("after the last %%EOF belong to no revision"), failures(r));
    }

    @Test
    void byteRangeThatDoesNotCoverTheFileIsReported() throws Exception {
        Path attacked = dir.resolve("short-range.pdf");
        Files.copy(signed, attacked);
        long[] br = byteRange(attacked);
        // Universal signature forgery, shortened-range variant: the range stops 100 bytes early.
        rewriteByteRange(attacked, new long[] {br[0], br[1], br[2], br[3] - 100});
        PdfReport r = PdfTestSupport.verifier().verify(attacked);
        assertFalse(r.valid(), r.toString());
        assertTrue(failures(r).contains("not the end of a revision"), failures(r));
    }

    /**
     * A signature whose /ByteRange reaches past the end of the file covers nothing; signed again,
     * the report lists it where its dictionary is, before the new signature, which comes last as
     * the newest (it was listed last, by the end it claims; found by fuzzing `pdf sign`).
     */
    @Test
    void aByteRangePastTheEndIsReportedInItsPlace() throws Exception {
        Path attacked = dir.resolve("past-the-end.pdf");
        Files.copy(signed, attacked);
        long[] br = byteRange(attacked);
        // as many digits as before (no more fit), all nines: far past the end of the file signed again
        long past = Long.parseLong("9".repeat(Long.toString(br[2]).length()));
        rewriteByteRange(attacked, new long[] {br[0], br[1], past, br[3]});
        Path again = dir.resolve("signed-again.pdf");
        PadesSigner.builder(PdfTestSupport.key(TestUser.BOB_P256)).build().sign(attacked, again, false);
        PdfReport r = PdfTestSupport.verifier().verify(again);
        assertEquals(2, r.signatures().size(), r.toString());
        assertTrue(failures(r).contains("does not describe a part of this"), failures(r));
        assertEquals(SubIndication.FORMAT_FAILURE, r.signatures().get(0).subIndication(), r.toString());
        SignatureReport newest = r.signatures().get(1);
        assertTrue(newest.intact() && newest.coversWholeFile() && newest.signer().contains("Bob"), r.toString());
    }

    @Test
    void signatureWrappingIntoTheExcludedGapIsReported() throws Exception {
        // The bytes between the two signed parts are not hashed. Here the /Contents hex string is
        // closed early inside its zero padding and new dictionary entries are placed in the gap:
        // the digest still matches, so only the byte-range check can catch it.
        Path attacked = dir.resolve("swa.pdf");
        Files.copy(signed, attacked);
        long[] br = byteRange(attacked);
        String injected = "> /Injected (payload placed in the unsigned gap) /X <";
        try (RandomAccessFile raf = new RandomAccessFile(attacked.toFile(), "rw")) {
            raf.seek(br[2] - 1 - 200);
            raf.write(injected.getBytes(StandardCharsets.US_ASCII));
        }
        PdfReport r = PdfTestSupport.verifier().verify(attacked);
        assertFalse(r.valid(), r.toString());
        assertTrue(r.signatures().get(0).intact(), "the hashed bytes are unchanged: " + r.toString());
        assertTrue(failures(r).contains("signature wrapping"), failures(r));
    }

    @Test
    void signatureDictionaryRedefinedWithoutContentsIsReported() throws Exception {
        Path attacked = dir.resolve("usf.pdf");
        try (PDDocument doc = Loader.loadPDF(signed.toFile()); OutputStream out = Files.newOutputStream(attacked)) {
            PDSignature sig = doc.getSignatureDictionaries().get(0);
            COSDictionary d = sig.getCOSObject();
            d.removeItem(COSName.CONTENTS);
            d.setNeedToBeUpdated(true);
            doc.saveIncremental(out);
        }
        PdfReport r = PdfTestSupport.verifier().verify(attacked);
        assertFalse(r.valid(), r.toString());
        assertTrue(failures(r).contains("universal signature forgery"), failures(r));
    }

    @Test
    void formFillingAfterAnApprovalSignatureIsAllowedAndNamed() throws Exception {
        Path form = dir.resolve("form-signed.pdf");
        PadesSigner.builder(PdfTestSupport.key(TestUser.ALICE_RSA2048)).build()
                .sign(PdfTestSupport.corpus("pdfbox-AcroFormsBasicFields.pdf"), form, false);
        Path filled = dir.resolve("filled.pdf");
        try (PDDocument doc = Loader.loadPDF(form.toFile()); OutputStream out = Files.newOutputStream(filled)) {
            PDAcroForm acro = doc.getDocumentCatalog().getAcroForm();
            PDField text = null;
            for (PDField f : acro.getFieldTree()) {
                if (f instanceof org.apache.pdfbox.pdmodel.interactive.form.PDTextField) {
                    text = f;
                    break;
                }
            }
            text.setValue("filled later");
            text.getCOSObject().setNeedToBeUpdated(true);
            for (var w : text.getWidgets()) {
                w.getCOSObject().setNeedToBeUpdated(true);
            }
            doc.saveIncremental(out);
        }
        PdfReport r = PdfTestSupport.verifier().verify(filled);
        SignatureReport s = r.signatures().get(0);
        assertTrue(s.changesAfter().stream().anyMatch(c -> c.allowed() && c.description().contains("filled in")), r.toString());
        assertTrue(r.valid(), r.toString());
    }

    @Test
    void anAllowedUpdateBehindADamagedCrossReferenceChainKeepsTheSignatureValid() throws Exception {
        // As in real files: the last section's /Prev is 0, so a reader following the chain sees
        // only the objects that section lists. The earlier objects are not removed by that.
        Path updated = dir.resolve("info-prev0.pdf");
        try (PDDocument doc = Loader.loadPDF(signed.toFile()); OutputStream out = Files.newOutputStream(updated)) {
            doc.getDocumentInformation().setTitle("Contract, final");
            doc.getDocumentInformation().getCOSObject().setNeedToBeUpdated(true);
            doc.saveIncremental(out);
        }
        breakLastPrev(updated);
        PdfReport r = PdfTestSupport.verifier().verify(updated);
        assertTrue(r.valid(), r.toString());
        assertTrue(String.join(" ", r.warnings()).contains("the cross-reference chain is damaged"), r.warnings().toString());
        assertTrue(r.signatures().get(0).changesAfter().stream().allMatch(SignatureReport.Change::allowed), r.toString());
    }

    /** Found by fuzzing: a startxref of 47 digits was parsed as a long and threw. */
    /**
     * A PDF attached uncompressed brings its own %%EOF into the stream's data: no revision ends
     * there, and no damage is reported for it, before or after a signature.
     */
    @Test
    void aPdfAttachedUncompressedAddsNoRevision() throws Exception {
        Path withAttachment = dir.resolve("attached.pdf");
        try (PDDocument doc = Loader.loadPDF(PdfTestSupport.corpus("pdfbox-sign_me.pdf").toFile())) {
            PDEmbeddedFile data;
            try (var in = Files.newInputStream(signed)) {
                data = new PDEmbeddedFile(doc, in);
            }
            data.setSubtype("application/pdf");
            PDComplexFileSpecification spec = new PDComplexFileSpecification();
            spec.setFile("earlier.pdf");
            spec.setEmbeddedFile(data);
            PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
            tree.setNames(java.util.Map.of("earlier.pdf", spec));
            PDDocumentNameDictionary names = new PDDocumentNameDictionary(doc.getDocumentCatalog());
            names.setEmbeddedFiles(tree);
            doc.getDocumentCatalog().setNames(names);
            doc.save(withAttachment.toFile(), org.apache.pdfbox.pdfwriter.compress.CompressParameters.NO_COMPRESSION);
        }
        byte[] bytes = Files.readAllBytes(withAttachment);
        assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).split("%%EOF", -1).length > 2, "the attachment's %%EOF is in the file");

        Path attachedSigned = dir.resolve("attached-signed.pdf");
        PadesSigner.builder(PdfTestSupport.key(TestUser.ALICE_RSA2048)).build().sign(withAttachment, attachedSigned, false);
        PdfReport r = PdfTestSupport.verifier().verify(attachedSigned);
        assertTrue(r.valid(), r.toString());
        assertEquals(2, r.revisions(), r.toString());
        assertEquals(java.util.List.of(), r.warnings());
        assertTrue(r.signatures().get(0).coversWholeFile(), r.toString());
    }

    @Test
    void aStartxrefBeyondAnyFileSizeIsReportedAsDamage() throws Exception {
        Path tail = dir.resolve("huge-startxref.pdf");
        Files.copy(signed, tail, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(tail, "\nstartxref\n44800000000000000000000000000000000000000000000\n%%EOF\n".getBytes(StandardCharsets.US_ASCII),
                java.nio.file.StandardOpenOption.APPEND);
        PdfReport r = PdfTestSupport.verifier().verify(tail);
        assertTrue(String.join(" ", r.warnings()).contains("has no readable startxref"), r.warnings().toString());

        // the same for a /Prev: the trailer comes after its section, so longer digits move nothing it points at
        Path prev = dir.resolve("huge-prev.pdf");
        try (PDDocument doc = Loader.loadPDF(signed.toFile()); OutputStream out = Files.newOutputStream(prev)) {
            doc.getDocumentInformation().setTitle("Contract, final");
            doc.getDocumentInformation().getCOSObject().setNeedToBeUpdated(true);
            doc.saveIncremental(out);
        }
        String text = new String(Files.readAllBytes(prev), StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf("/Prev ") + 6;
        int end = at;
        while (Character.isDigit(text.charAt(end))) {
            end++;
        }
        Files.write(prev, (text.substring(0, at) + "9".repeat(30) + text.substring(end)).getBytes(StandardCharsets.ISO_8859_1));
        PdfReport p = PdfTestSupport.verifier().verify(prev);
        assertTrue(String.join(" ", p.warnings()).contains("is a number beyond any file size"), p.warnings().toString());
    }

    @Test
    void aContentChangeBehindADamagedCrossReferenceChainIsReported() throws Exception {
        Path attacked = dir.resolve("isa-prev0.pdf");
        drawOnPageOne(signed, attacked, cs -> {
            cs.addRect(0, 0, 600, 800);
            cs.fill();
        });
        breakLastPrev(attacked);
        PdfReport r = PdfTestSupport.verifier().verify(attacked);
        assertFalse(r.valid(), r.toString());
        assertTrue(failures(r).contains("page 1 entry /Contents changed (page content)"), failures(r));
        assertFalse(failures(r).contains("removed"), failures(r));
    }

    private interface Drawing {
        void draw(PDPageContentStream cs) throws java.io.IOException;
    }

    /** An incremental update of {@code in} that draws on page 1, as an attacker's editor would. */
    private static void drawOnPageOne(Path in, Path out, Drawing drawing) throws Exception {
        try (PDDocument doc = Loader.loadPDF(in.toFile()); OutputStream os = Files.newOutputStream(out)) {
            PDPage page = doc.getPage(0);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page, PDPageContentStream.AppendMode.APPEND, true)) {
                drawing.draw(cs);
            }
            page.getCOSObject().setNeedToBeUpdated(true);
            doc.saveIncremental(os);
        }
    }

    /** Overwrites the last /Prev with 0 in place. */
    private static void breakLastPrev(Path pdf) throws Exception {
        String text = new String(Files.readAllBytes(pdf), StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf("/Prev ");
        int digits = at + 6;
        int end = digits;
        while (Character.isDigit(text.charAt(end))) {
            end++;
        }
        try (RandomAccessFile raf = new RandomAccessFile(pdf.toFile(), "rw")) {
            raf.seek(digits);
            raf.write(("0" + " ".repeat(end - digits - 1)).getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static long[] byteRange(Path pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            int[] br = doc.getSignatureDictionaries().get(0).getByteRange();
            return new long[] {br[0], br[1], br[2], br[3]};
        }
    }

    /** Writes a new /ByteRange over the old one in place (PDFBox leaves room for it). */
    private static void rewriteByteRange(Path pdf, long[] br) throws Exception {
        byte[] all = Files.readAllBytes(pdf);
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("/ByteRange [");
        int end = text.indexOf(']', at);
        String old = text.substring(at, end + 1);
        String repl = "/ByteRange [" + br[0] + " " + br[1] + " " + br[2] + " " + br[3] + "]";
        while (repl.length() < old.length()) {
            repl = repl + " ";
        }
        if (repl.length() != old.length()) {
            throw new AssertionError("no room for the new byte range");
        }
        try (RandomAccessFile raf = new RandomAccessFile(pdf.toFile(), "rw")) {
            raf.seek(at);
            raf.write(repl.getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
