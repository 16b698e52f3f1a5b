package org.hsmkit.pdf;

/**
 * The main status of a signature's validation, as ETSI EN 319 102-1 names it (and as the EU DSS
 * validator and Adobe report it).
 */
public enum Indication {
    /** Every check passed: intact, trusted, nothing forbidden changed after it. */
    TOTAL_PASSED("TOTAL-PASSED"),
    /** The checks that could be made passed, but something is missing to call it valid (most often trust). */
    INDETERMINATE("INDETERMINATE"),
    /** A check failed: the signature is forged, broken, malformed, revoked, or its document was changed as it forbids. */
    TOTAL_FAILED("TOTAL-FAILED");

    private final String label;

    Indication(String label) {
        this.label = label;
    }

    /** The name as ETSI EN 319 102-1 writes it, e.g. {@code TOTAL-PASSED}. */
    public String label() {
        return label;
    }
}
