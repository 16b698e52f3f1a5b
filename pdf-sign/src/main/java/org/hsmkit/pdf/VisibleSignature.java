package org.hsmkit.pdf;

import java.util.Locale;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * Where to draw a visible signature: a 1-based page number (or {@link #LAST_PAGE}) and a
 * rectangle in PDF points (1/72 inch) measured from the page's lower left corner.
 */
public record VisibleSignature(int page, float x, float y, float width, float height) {
    /** The page number that stands for the document's last page, whatever its number. */
    public static final int LAST_PAGE = 0;
    private static final String FORMAT = "write PAGE:X,Y,W,H (PAGE a number or 'last'), e.g. 1:50,50,220,70";

    public VisibleSignature {
        boolean finite = Float.isFinite(x) && Float.isFinite(y) && Float.isFinite(width) && Float.isFinite(height);
        if (page < 0 || !finite || width <= 0 || height <= 0 || x < 0 || y < 0) {
            throw new HsmkitException(ErrorKind.USAGE,
                    "a visible signature needs a page ≥ 1 (or 'last'), a position ≥ 0 and a positive size", FORMAT);
        }
    }

    /** Parses {@code PAGE:X,Y,W,H} (e.g. {@code 1:50,50,220,70} or {@code last:50,50,220,70}) or {@code X,Y,W,H} on page 1. */
    public static VisibleSignature parse(String text) {
        try {
            String[] pageRest = text.trim().split(":", 2);
            String rect = pageRest.length == 2 ? pageRest[1] : pageRest[0];
            int page = pageRest.length == 2 ? page(pageRest[0]) : 1;
            String[] n = rect.split(",");
            if (n.length != 4) {
                throw new IllegalArgumentException();
            }
            return new VisibleSignature(page, Float.parseFloat(n[0].trim()), Float.parseFloat(n[1].trim()),
                    Float.parseFloat(n[2].trim()), Float.parseFloat(n[3].trim()));
        } catch (RuntimeException e) {
            if (e instanceof HsmkitException h) {
                throw h;
            }
            throw new HsmkitException(ErrorKind.USAGE, "cannot read the visible signature position '" + text + "'", FORMAT);
        }
    }

    /** Parses a page: a number ≥ 1, or {@code last}. */
    public static int page(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("last")) {
            return LAST_PAGE;
        }
        try {
            int p = Integer.parseInt(t);
            if (p >= 1) {
                return p;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new HsmkitException(ErrorKind.USAGE, "'" + text + "' is not a page", "give a page number from 1, or 'last'");
    }

    /** The same rectangle on another page. */
    public VisibleSignature onPage(int otherPage) {
        return new VisibleSignature(otherPage, x, y, width, height);
    }

    /** The 1-based page in a document of {@code pages} pages. */
    public int pageIn(int pages) {
        return page == LAST_PAGE ? pages : page;
    }
}
