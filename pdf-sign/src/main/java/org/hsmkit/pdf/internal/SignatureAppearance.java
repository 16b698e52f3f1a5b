package org.hsmkit.pdf.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
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
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceDictionary;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.hsmkit.pdf.VisibleSignature;

/**
 * The visible appearance of a signature, drawn as signing tools people know draw it: an opaque
 * white box with a thin border (unless transparent is asked for), an optional image (a logo or a
 * scanned handwritten signature) at its left, and the signer's name, the date, the reason and the
 * location in the largest size at which every line fits the box, wrapped at spaces. Nothing is
 * drawn outside the box: the text is clipped to it and cut with an ellipsis when even the
 * smallest size does not fit. The font is Liberation Sans (shipped with PDFBox), embedded as a
 * subset, so PDF/A inputs keep every font embedded.
 */
public final class SignatureAppearance {
    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    private static final float MAX_SIZE = 24f;
    /** Below this, text is not legible on paper; what does not fit at this size is cut with an ellipsis. */
    private static final float MIN_SIZE = 5f;
    private static final float LEADING = 1.2f;
    /** The signer's name is drawn this much larger than the other lines. */
    private static final float NAME_SCALE = 1.25f;

    /** What to draw besides the position. */
    public record Content(String signer, ZonedDateTime when, String reason, String location, Path image, boolean opaque) {
    }

    private SignatureAppearance() {
    }

    /** The template as a PDF stream for {@code SignatureOptions.setVisualSignature}. */
    public static InputStream template(PDRectangle mediaBox, int rotation, VisibleSignature where, Content content)
            throws IOException {
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
            widget.setRectangle(new PDRectangle(where.x(), where.y(), where.width(), where.height()));
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
            PDImageXObject image = content.image() == null ? null
                    : PDImageXObject.createFromFileByContent(content.image().toFile(), doc);
            try (PDPageContentStream cs = new PDPageContentStream(doc, stream)) {
                draw(cs, font, image, where.width(), where.height(), content);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return new ByteArrayInputStream(out.toByteArray());
        }
    }

    private static void draw(PDPageContentStream cs, PDFont font, PDImageXObject image, float w, float h, Content c)
            throws IOException {
        float pad = Math.min(4f, Math.min(w, h) * 0.06f);
        cs.saveGraphicsState();
        cs.addRect(0, 0, w, h);
        cs.clip();
        if (c.opaque()) {
            cs.setNonStrokingColor(1f, 1f, 1f);
            cs.addRect(0, 0, w, h);
            cs.fill();
        }
        float textX = pad;
        if (image != null && image.getWidth() > 0 && image.getHeight() > 0) {
            float aspect = (float) image.getWidth() / image.getHeight();
            float iw = Math.min((h - 2 * pad) * aspect, (w - 2 * pad) * 0.4f);
            float ih = iw / aspect;
            cs.drawImage(image, pad, (h - ih) / 2, iw, ih);
            textX = pad + iw + pad;
        }
        float textW = w - textX - pad;
        float textH = h - 2 * pad;
        List<Line> lines = layout(font, lines(c), textW, textH);
        cs.setNonStrokingColor(0.1f, 0.1f, 0.1f);
        float y = h - pad;
        for (Line line : lines) {
            y -= line.size() * LEADING;
            cs.beginText();
            cs.setFont(font, line.size());
            // the baseline sits a fifth of the line height above the line's bottom: room for descenders
            cs.newLineAtOffset(textX, y + line.size() * LEADING * 0.2f);
            cs.showText(line.text());
            cs.endText();
        }
        cs.setStrokingColor(0.35f, 0.35f, 0.35f);
        cs.setLineWidth(0.8f);
        cs.addRect(0.4f, 0.4f, w - 0.8f, h - 0.8f);
        cs.stroke();
        cs.restoreGraphicsState();
    }

    /** The text lines: the signer's name first, drawn larger. */
    private static List<String> lines(Content c) {
        List<String> lines = new ArrayList<>();
        lines.add(c.signer());
        lines.add("Signed " + c.when().withZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")));
        if (c.reason() != null && !c.reason().isBlank()) {
            lines.add("Reason: " + c.reason());
        }
        if (c.location() != null && !c.location().isBlank()) {
            lines.add("Location: " + c.location());
        }
        return lines;
    }

    private record Line(String text, float size) {
    }

    /**
     * The lines wrapped at the largest size at which they fit {@code width} × {@code height};
     * at the smallest size, the lines that do not fit are dropped and the last one kept ends in an
     * ellipsis.
     */
    static List<Line> layout(PDFont font, List<String> texts, float width, float height) throws IOException {
        List<String> safe = new ArrayList<>();
        for (String t : texts) {
            safe.add(printable(font, t));
        }
        for (float size = MAX_SIZE; size >= MIN_SIZE; size -= 0.25f) {
            List<Line> out = wrap(font, safe, size, width);
            if (out != null && height(out) <= height) {
                return out;
            }
        }
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < safe.size(); i++) {
            float size = i == 0 ? MIN_SIZE * NAME_SCALE : MIN_SIZE;
            String cut = cut(font, safe.get(i), size, width);
            if (height(out) + size * LEADING > height) {
                if (!out.isEmpty()) {
                    Line last = out.remove(out.size() - 1);
                    out.add(new Line(cut(font, last.text() + " …", last.size(), width, true), last.size()));
                }
                break;
            }
            out.add(new Line(cut, size));
        }
        return out;
    }

    private static float height(List<Line> lines) {
        float h = 0;
        for (Line l : lines) {
            h += l.size() * LEADING;
        }
        return h;
    }

    /** Wraps each text at spaces to {@code width}; null when a single word is wider. */
    private static List<Line> wrap(PDFont font, List<String> texts, float size, float width) throws IOException {
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            float s = i == 0 ? size * NAME_SCALE : size;
            StringBuilder line = new StringBuilder();
            for (String word : texts.get(i).split(" ")) {
                String candidate = line.length() == 0 ? word : line + " " + word;
                if (width(font, candidate, s) <= width) {
                    line.setLength(0);
                    line.append(candidate);
                } else if (line.length() == 0 || width(font, word, s) > width) {
                    return null;
                } else {
                    out.add(new Line(line.toString(), s));
                    line.setLength(0);
                    line.append(word);
                }
            }
            out.add(new Line(line.toString(), s));
        }
        return out;
    }

    private static String cut(PDFont font, String text, float size, float width) throws IOException {
        return cut(font, text, size, width, false);
    }

    /** The longest start of {@code text} that fits, ending in an ellipsis when it was cut (or when {@code ellipsis}). */
    private static String cut(PDFont font, String text, float size, float width, boolean ellipsis) throws IOException {
        if (!ellipsis && width(font, text, size) <= width) {
            return text;
        }
        String base = ellipsis && text.endsWith(" …") ? text.substring(0, text.length() - 2) : text;
        for (int n = base.length(); n >= 0; n--) {
            String t = base.substring(0, n).stripTrailing() + "…";
            if (width(font, t, size) <= width) {
                return t;
            }
        }
        return "";
    }

    private static float width(PDFont font, String text, float size) throws IOException {
        return font.getStringWidth(text) / 1000 * size;
    }

    /** Characters the font lacks, and control characters, become '?'. */
    private static String printable(PDFont font, String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().forEach(cp -> {
            String ch = new String(Character.toChars(cp));
            try {
                if (Character.isISOControl(cp)) {
                    throw new IllegalArgumentException();
                }
                font.encode(ch);
                sb.append(ch);
            } catch (IllegalArgumentException | IOException e) {
                sb.append('?');
            }
        });
        return sb.toString();
    }
}
