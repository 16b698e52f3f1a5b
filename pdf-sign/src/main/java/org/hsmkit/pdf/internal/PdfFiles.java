package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/** Opening PDFs with clear errors, and the structural checks done before signing or extending. */
public final class PdfFiles {
    private PdfFiles() {
    }

    /**
     * Opens a PDF (from disk, not into memory) after checking that it starts like a PDF and that
     * its last startxref points at a cross-reference section: an incremental update appended to a
     * broken file would inherit the damage.
     */
    public static PDDocument open(Path file, char[] password) {
        checkStructure(file);
        try {
            return load(file.toFile(), password == null ? "" : new String(password));
        } catch (InvalidPasswordException e) {
            throw new HsmkitException(ErrorKind.INPUT, file + " is encrypted and " + (password == null
                    ? "needs a password" : "the given password does not open it"),
                    "give the document's password with --password-file FILE");
        } catch (IOException e) {
            throw HsmkitException.input("cannot read " + file + " as a PDF: " + e.getMessage(),
                    "check that the file is a complete, undamaged PDF", e);
        }
    }

    /**
     * PDFBox's loader, with the unchecked exceptions its parser throws on a malformed file (a
     * negative generation number in a cross-reference stream, found by fuzzing) as an
     * IOException, which every caller reports as a damaged PDF.
     */
    static PDDocument load(java.io.File file, String password) throws IOException {
        try {
            return Loader.loadPDF(file, password);
        } catch (RuntimeException e) {
            throw new IOException("its structure is malformed (" + e.getMessage() + ")", e);
        }
    }

    /** Size of the file; a missing file, or one that is not a regular file, is an input error. */
    public static long size(Path file) {
        try {
            long size = Files.size(file);
            if (!Files.isRegularFile(file)) {
                // a pipe reads as empty, and would then be called "not a PDF"
                throw HsmkitException.input(file + " is not a regular file (a pipe or a device): a PDF is read at random positions",
                        "save it to a file first, and give that file");
            }
            return size;
        } catch (NoSuchFileException e) {
            throw HsmkitException.input(file + " does not exist", null, e);
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static void checkStructure(Path file) {
        long size = size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] head = new byte[(int) Math.min(1024, size)];
            raf.readFully(head);
            if (indexOf(head, "%PDF-".getBytes(StandardCharsets.US_ASCII), 0) < 0) {
                throw HsmkitException.input(file + " is not a PDF (no %PDF- header)", "give a PDF file");
            }
            int tailLen = (int) Math.min(2048, size);
            byte[] tail = new byte[tailLen];
            raf.seek(size - tailLen);
            raf.readFully(tail);
            String t = new String(tail, StandardCharsets.ISO_8859_1);
            int sx = t.lastIndexOf("startxref");
            if (sx < 0 || !t.contains("%%EOF")) {
                throw HsmkitException.input(file + " is truncated or damaged: no startxref/%%EOF at its end",
                        "repair the PDF (for example with qpdf) and sign the repaired copy");
            }
            String num = t.substring(sx + 9).trim().split("\\s+")[0];
            long offset;
            try {
                offset = Long.parseLong(num);
            } catch (NumberFormatException e) {
                throw HsmkitException.input(file + " has a damaged startxref entry", "repair the PDF and sign the repaired copy");
            }
            if (offset <= 0 || offset >= size) {
                throw HsmkitException.input(file + " has a broken cross-reference: startxref " + offset + " lies outside the file",
                        "repair the PDF (for example with qpdf) and sign the repaired copy");
            }
            raf.seek(offset);
            byte[] at = new byte[(int) Math.min(64, size - offset)];
            raf.readFully(at);
            String s = new String(at, StandardCharsets.ISO_8859_1).stripLeading();
            if (!s.startsWith("xref") && !s.matches("(?s)^\\d+\\s+\\d+\\s+obj.*")) {
                throw HsmkitException.input(file + " has a broken cross-reference: startxref " + offset
                        + " does not point at an xref section", "repair the PDF (for example with qpdf) and sign the repaired copy");
            }
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The DocMDP /P of a certified document, or 0 when it is not certified. */
    public static int certificationLevel(PDDocument doc) {
        COSDictionary perms = doc.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.PERMS);
        if (perms == null) {
            return 0;
        }
        COSDictionary sig = perms.getCOSDictionary(COSName.DOCMDP);
        if (sig == null) {
            return 0;
        }
        return docMdpP(sig);
    }

    /** /P of a signature dictionary's DocMDP reference, or 0 when it has none. */
    public static int docMdpP(COSDictionary sig) {
        COSArray refs = sig.getCOSArray(COSName.REFERENCE);
        if (refs == null) {
            return 0;
        }
        for (COSBase b : refs) {
            if (b instanceof org.apache.pdfbox.cos.COSObject o) {
                b = o.getObject();
            }
            if (b instanceof COSDictionary ref && COSName.DOCMDP.equals(ref.getCOSName(COSName.getPDFName("TransformMethod")))) {
                COSDictionary params = ref.getCOSDictionary(COSName.getPDFName("TransformParams"));
                return params == null ? 2 : params.getInt(COSName.P, 2);
            }
        }
        return 0;
    }

    /** Makes {@code sig} a certification signature with permission {@code p}. */
    public static void certify(PDDocument doc, PDSignature sig, int p) {
        COSDictionary params = new COSDictionary();
        params.setItem(COSName.TYPE, COSName.getPDFName("TransformParams"));
        params.setInt(COSName.P, p);
        params.setName(COSName.V, "1.2");
        COSDictionary ref = new COSDictionary();
        ref.setItem(COSName.TYPE, COSName.getPDFName("SigRef"));
        ref.setItem(COSName.getPDFName("TransformMethod"), COSName.DOCMDP);
        ref.setItem(COSName.getPDFName("TransformParams"), params);
        COSArray refs = new COSArray();
        refs.add(ref);
        sig.getCOSObject().setItem(COSName.REFERENCE, refs);
        COSDictionary catalog = doc.getDocumentCatalog().getCOSObject();
        COSDictionary perms = new COSDictionary();
        perms.setItem(COSName.DOCMDP, sig);
        catalog.setItem(COSName.PERMS, perms);
        catalog.setNeedToBeUpdated(true);
        perms.setNeedToBeUpdated(true);
    }
}
