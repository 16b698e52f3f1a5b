package org.hsmkit.pdf;

import java.util.Locale;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * The PAdES baseline levels of ETSI EN 319 142-1. Each level contains the ones before it:
 * B-T adds a signature time-stamp, B-LT a /DSS with the certificates and revocation data needed to
 * validate offline, B-LTA a document time-stamp over all of it.
 */
public enum PadesLevel {
    B_B("B-B"),
    B_T("B-T"),
    B_LT("B-LT"),
    B_LTA("B-LTA");

    private final String label;

    PadesLevel(String label) {
        this.label = label;
    }

    /** The spelling the CLI and reports use, e.g. {@code B-LTA}. */
    public String label() {
        return label;
    }

    /** True when this level needs a time-stamping authority. */
    public boolean needsTimestamp() {
        return this != B_B;
    }

    /** Parses {@code B-B}, {@code b-lt}, {@code B_LTA} ... */
    public static PadesLevel parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace('_', '-');
        if (t.startsWith("PADES-BASELINE-")) {
            t = t.substring("PADES-BASELINE-".length());
        }
        for (PadesLevel l : values()) {
            if (l.label.equals(t)) {
                return l;
            }
        }
        throw new HsmkitException(ErrorKind.USAGE, "unknown PAdES level '" + text + "'", "use B-B, B-T, B-LT or B-LTA");
    }

    @Override
    public String toString() {
        return label;
    }
}
