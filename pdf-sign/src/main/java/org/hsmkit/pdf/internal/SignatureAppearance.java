package org.hsmkit.pdf.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.PDStream;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceDictionary;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.hsmkit.pdf.VisibleSignature;

/**
 * The visible appearance of a signature: a one-page template whose signature widget carries a
 * form XObject with the signer's name, the date, the reason and the location, drawn in Liberation
 * Sans (shipped with PDFBox) embedded as a subset, so PDF/A inputs keep their fonts embedded.
 */
public final class SignatureAppearance {
    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";

    private SignatureAppearance() {
    }

    /** The template as a PDF stream for {@code SignatureOptions.setVisualSignature}. */
    public static InputStream template(PDRectangle mediaBox, int rotation, VisibleSignature where, String signer,
            ZonedDateTime when, String reason, String location) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(mediaBox);
            page.setRotation(rotation);
            doc.addPage(page);
            PDAcroForm form = new PDAcroForm(doc);
            doc.getDocumentCatalog().setAcroForm(form);
            PDSignatureField field = new PDSignatureField(form);
            PDAnnotationWidget widget = field.getWidgets().get(0);
            form.setSignaturesExist(true);
            form.setAppendOnly(true);
            form.getCOSObject().setDirect(true);
            form.getFields().add(field);
            PDRectangle rect = new PDRectangle(where.x(), where.y(), where.width(), where.height());
            widget.setRectangle(rect);
            widget.setPrinted(true);
            widget.setPage(page);
            page.getAnnotations().add(widget);

            PDFormXObject xobject = new PDFormXObject(new PDStream(doc));
            xobject.setResources(new PDResources());
            xobject.setFormType(1);
            xobject.setBBox(new PDRectangle(where.width(), where.height()));
            PDAppearanceDictionary appearance = new PDAppearanceDictionary();
            appearance.getCOSObject().setDirect(true);
            PDAppearanceStream stream = new PDAppearanceStream(xobject.getCOSObject());
            appearance.setNormalAppearance(stream);
            widget.setAppearance(appearance);

            PDFont font;
            try (InputStream ttf = SignatureAppearance.class.getResourceAsStream(FONT)) {
                if (ttf == null) {
                    throw new IOException("the font " + FONT + " is missing from PDFBox");
                }
                font = PDType0Font.load(doc, ttf, true);
            }
            List<String> lines = new ArrayList<>();
            lines.add("Signed by " + signer);
            lines.add("Date: " + when.withZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")));
            if (reason != null && !reason.isBlank()) {
                lines.add("Reason: " + reason);
            }
            if (location != null && !location.isBlank()) {
                lines.add("Location: " + location);
            }
            float size = Math.max(4f, Math.min(10f, where.height() / (lines.size() * 1.3f + 0.5f)));
            try (PDPageContentStream cs = new PDPageContentStream(doc, stream)) {
                cs.setLineWidth(0.8f);
                cs.addRect(0.4f, 0.4f, where.width() - 0.8f, where.height() - 0.8f);
                cs.stroke();
                cs.beginText();
                cs.setFont(font, size);
                cs.setLeading(size * 1.3f);
                cs.newLineAtOffset(size * 0.5f, where.height() - size * 1.2f);
                for (String line : lines) {
                    cs.showText(fit(font, size, line, where.width() - size));
                    cs.newLine();
                }
                cs.endText();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return new ByteArrayInputStream(out.toByteArray());
        }
    }

    /** Cuts a line to the box width; characters the font lacks become '?'. */
    private static String fit(PDFont font, float size, String text, float width) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            try {
                font.encode(ch);
            } catch (IllegalArgumentException e) {
                ch = "?";
            }
            if (font.getStringWidth(sb + ch) / 1000 * size > width) {
                break;
            }
            sb.append(ch);
            i += Character.charCount(cp);
        }
        return sb.toString();
    }
}
