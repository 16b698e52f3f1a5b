package org.hsmkit.pdf;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * Where to draw a visible signature: a 1-based page number and a rectangle in PDF points
 * (1/72 inch) measured from the page's lower left corner.
 */
public record VisibleSignature(int page, float x, float y, float width, float height) {

    public VisibleSignature {
        if (page < 1 || width <= 0 || height <= 0 || x < 0 || y < 0) {
            throw new HsmkitException(ErrorKind.USAGE,
                    "a visible signature needs a page ≥ 1, a position ≥ 0 and a positive size",
                    "write PAGE:X,Y,W,H, e.g. 1:50,50,220,70");
        }
    }

    /** Parses {@code PAGE:X,Y,W,H}, e.g. {@code 1:50,50,220,70}. */
    public static VisibleSignature parse(String text) {
        try {
            String[] pageRest = text.trim().split(":", 2);
            String[] n = pageRest[1].split(",");
            if (n.length != 4) {
                throw new IllegalArgumentException();
            }
            return new VisibleSignature(Integer.parseInt(pageRest[0].trim()), Float.parseFloat(n[0].trim()),
                    Float.parseFloat(n[1].trim()), Float.parseFloat(n[2].trim()), Float.parseFloat(n[3].trim()));
        } catch (RuntimeException e) {
            if (e instanceof HsmkitException h) {
                throw h;
            }
            throw new HsmkitException(ErrorKind.USAGE, "cannot read the visible signature position '" + text + "'",
                    "write PAGE:X,Y,W,H, e.g. 1:50,50,220,70");
        }
    }
}
