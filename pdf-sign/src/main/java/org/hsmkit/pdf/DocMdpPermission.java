package org.hsmkit.pdf;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * What a certification signature (DocMDP, ISO 32000 12.8.2.2) allows after it. Only the first
 * signature of a document can certify.
 */
public enum DocMdpPermission {
    /** P=1: no changes at all; no further signatures either. */
    NO_CHANGES(1),
    /** P=2: filling in forms, instantiating page templates and signing. */
    FORM_FILL_AND_SIGN(2),
    /** P=3: as P=2, plus creating, deleting and changing annotations. */
    ANNOTATE_FORM_FILL_AND_SIGN(3);

    private final int p;

    DocMdpPermission(int p) {
        this.p = p;
    }

    /** The /P value. */
    public int value() {
        return p;
    }

    public static DocMdpPermission of(int p) {
        for (DocMdpPermission d : values()) {
            if (d.p == p) {
                return d;
            }
        }
        throw new HsmkitException(ErrorKind.USAGE, "certification level must be 1, 2 or 3, not " + p,
                "1: no changes, 2: form filling and signing, 3: also annotations");
    }
}
