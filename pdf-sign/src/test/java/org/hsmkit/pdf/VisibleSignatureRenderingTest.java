package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The visible signature as people see it: each signed file is rendered by poppler's pdftoppm at
 * 144 dpi (two pixels per point) and compared with the unsigned page. On the blue corpus page the
 * box must be opaque (mostly white where the page was blue), carry dark text pixels, and nothing
 * may be drawn outside its rectangle.
 */
class VisibleSignatureRenderingTest {
    /** Pixels per point of the renderings. */
    static final int SCALE = 2;

    @TempDir
    static Path dir;
    static Path blue;
    static BufferedImage unsigned;

    @BeforeAll
    static void renderUnsigned() throws Exception {
        ExternalTool.require("pdftoppm", "poppler-utils");
        blue = PdfTestSupport.corpus("pdfbox-sign_me.pdf").toAbsolutePath();
        unsigned = render(blue, 1);
    }

    private static PadesSigner.Builder alice() {
        return PadesSigner.builder(PdfTestSupport.key(TestUser.ALICE_RSA2048));
    }

    @Test
    void theBoxIsOpaqueWithLegibleTextAndNothingOutsideIt() throws Exception {
        Path out = dir.resolve("visible.pdf");
        VisibleSignature where = VisibleSignature.parse("1:50,50,220,70");
        alice().reason("Contract approval").location("Köln").visible(where).build().sign(blue, out, false);
        BufferedImage img = render(out, 1);
        Box box = box(img, where);
        assertTrue(box.white() > 0.6, "opaque: most of the box is its white background, the page is blue: " + box);
        assertTrue(box.dark() > 0.03, "text pixels in the box: " + box);
        assertEquals(0, changedOutside(unsigned, img, where), "nothing drawn outside the rectangle");
        assertTrue(PdfTestSupport.verifier().verify(out).valid());
    }

    @Test
    void longTextInASmallBoxShrinksAndWrapsButStaysInside() throws Exception {
        Path out = dir.resolve("small.pdf");
        VisibleSignature where = VisibleSignature.parse("1:300,300,110,34");
        alice().reason("Approval of the framework agreement on behalf of the board, with the amendments of 3 March")
                .location("Frankfurt am Main, Germany, head office, fourth floor").visible(where).build().sign(blue, out, false);
        BufferedImage img = render(out, 1);
        Box box = box(img, where);
        assertTrue(box.dark() > 0.02, "text still drawn: " + box);
        assertEquals(0, changedOutside(unsigned, img, where), "nothing drawn outside the rectangle");
    }

    @Test
    void anImageIsDrawnAtTheLeftOfTheText() throws Exception {
        Path png = dir.resolve("logo.png");
        BufferedImage logo = new BufferedImage(60, 60, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 60; x++) {
            for (int y = 0; y < 60; y++) {
                logo.setRGB(x, y, 0xd01010);
            }
        }
        ImageIO.write(logo, "png", png.toFile());
        Path out = dir.resolve("image.pdf");
        VisibleSignature where = VisibleSignature.parse("1:50,50,220,70");
        alice().visible(where).visibleImage(png).build().sign(blue, out, false);
        BufferedImage img = render(out, 1);
        Box left = box(img, new VisibleSignature(1, 50, 50, 70, 70));
        Box right = box(img, new VisibleSignature(1, 130, 50, 140, 70));
        assertTrue(left.red() > 0.4, "the image fills the left of the box: " + left);
        assertTrue(right.red() < 0.01 && right.dark() > 0.02, "the text to its right: " + right);
        assertEquals(0, changedOutside(unsigned, img, where), "nothing drawn outside the rectangle");
    }

    @Test
    void aTransparentBackgroundLetsThePageShowThrough() throws Exception {
        Path out = dir.resolve("transparent.pdf");
        VisibleSignature where = VisibleSignature.parse("1:50,50,220,70");
        alice().visible(where).transparentBackground(true).build().sign(blue, out, false);
        Box box = box(render(out, 1), where);
        assertTrue(box.white() < 0.05, "the blue page shows through: " + box);
    }

    @Test
    void theLastPageIsFoundWhateverItsNumber() throws Exception {
        Path three = dir.resolve("three.pdf");
        try (PDDocument d = new PDDocument()) {
            for (int i = 0; i < 3; i++) {
                d.addPage(new PDPage(PDRectangle.A4));
            }
            d.save(three.toFile());
        }
        Path out = dir.resolve("last.pdf");
        VisibleSignature where = VisibleSignature.parse("last:50,50,220,70");
        alice().visible(where).build().sign(three, out, false);
        try (PDDocument d = Loader.loadPDF(out.toFile())) {
            assertTrue(d.getPage(0).getAnnotations().isEmpty() && d.getPage(1).getAnnotations().isEmpty());
            assertEquals(1, d.getPage(2).getAnnotations().size());
        }
        assertTrue(box(render(out, 3), where).dark() > 0.03, "drawn on page 3");
    }

    @Test
    void anImageThatIsNeitherPngNorJpegIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path gif = Files.write(dir.resolve("logo.gif"), "GIF89a....".getBytes());
        Path out = dir.resolve("refused.pdf");
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> alice().visible(VisibleSignature.parse("1:50,50,220,70")).visibleImage(gif).build().sign(blue, out, false));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("neither a PNG nor a JPEG"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    /** PDFBox would place such a box off the page, where no viewer shows it. */
    @Test
    void aBoxThatDoesNotFitOnThePageIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path out = dir.resolve("off-page.pdf");
        for (String where : new String[] {"1:1,1,99999999999,10", "1:800,50,220,70", "1:50,1150,220,70"}) {
            HsmkitException e = assertThrows(HsmkitException.class,
                    () -> alice().visible(VisibleSignature.parse(where)).build().sign(blue, out, false));
            assertEquals(ErrorKind.USAGE, e.kind(), where);
            assertTrue(e.getMessage().contains("does not fit on page 1 (842 × 1191 points)"), e.getMessage()); // A3
            assertFalse(Files.exists(out), where);
        }
        for (String notANumber : new String[] {"1:NaN,1,10,10", "1:1,1,Infinity,10"}) {
            HsmkitException e = assertThrows(HsmkitException.class, () -> VisibleSignature.parse(notANumber));
            assertEquals(ErrorKind.USAGE, e.kind(), notANumber);
        }
    }

    /** Shares of white, dark (ink) and red pixels inside a rectangle, 2 points in from its edges (the border). */
    record Box(double white, double dark, double red) {
    }

    private static Box box(BufferedImage img, VisibleSignature r) {
        int x0 = Math.round(r.x() + 2) * SCALE;
        int x1 = Math.round(r.x() + r.width() - 2) * SCALE;
        int y0 = img.getHeight() - Math.round(r.y() + r.height() - 2) * SCALE;
        int y1 = img.getHeight() - Math.round(r.y() + 2) * SCALE;
        int white = 0;
        int dark = 0;
        int red = 0;
        int n = 0;
        for (int x = x0; x < x1; x++) {
            for (int y = y0; y < y1; y++) {
                int rgb = img.getRGB(x, y);
                int cr = rgb >> 16 & 0xff;
                int cg = rgb >> 8 & 0xff;
                int cb = rgb & 0xff;
                white += cr > 235 && cg > 235 && cb > 235 ? 1 : 0;
                dark += cr + cg + cb < 480 ? 1 : 0;
                red += cr > 180 && cg < 80 && cb < 80 ? 1 : 0;
                n++;
            }
        }
        return new Box((double) white / n, (double) dark / n, (double) red / n);
    }

    /** Pixels that differ from the unsigned page outside the rectangle (with a 1-point margin for anti-aliasing). */
    private static int changedOutside(BufferedImage before, BufferedImage after, VisibleSignature r) {
        assertEquals(before.getWidth(), after.getWidth());
        int x0 = Math.round(r.x() - 1) * SCALE;
        int x1 = Math.round(r.x() + r.width() + 1) * SCALE;
        int y0 = after.getHeight() - Math.round(r.y() + r.height() + 1) * SCALE;
        int y1 = after.getHeight() - Math.round(r.y() - 1) * SCALE;
        int changed = 0;
        for (int x = 0; x < after.getWidth(); x++) {
            for (int y = 0; y < after.getHeight(); y++) {
                if (x >= x0 && x < x1 && y >= y0 && y < y1) {
                    continue;
                }
                int a = before.getRGB(x, y);
                int b = after.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    if (Math.abs((a >> shift & 0xff) - (b >> shift & 0xff)) > 8) {
                        changed++;
                        break;
                    }
                }
            }
        }
        return changed;
    }

    /** Page {@code page} of {@code pdf} rendered by pdftoppm at 144 dpi. */
    private static BufferedImage render(Path pdf, int page) throws Exception {
        Path prefix = dir.resolve(pdf.getFileName() + "-p" + page);
        ExternalTool.Result r = ExternalTool.run(dir, "pdftoppm", "-r", String.valueOf(72 * SCALE), "-png", "-singlefile", "-f", String.valueOf(page),
                "-l", String.valueOf(page), pdf.toAbsolutePath().toString(), prefix.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        return ImageIO.read(prefix.resolveSibling(prefix.getFileName() + ".png").toFile());
    }
}
