package org.hsmkit.pdf;

import java.util.List;

/**
 * The verification result of a whole PDF: one {@link SignatureReport} per signature and document
 * time-stamp in file order, problems of the document itself (such as bytes after the last
 * revision that no revision accounts for), and warnings about the document that do not make it
 * invalid (such as a damaged cross-reference chain that had to be read the way PDF readers repair it).
 */
public record PdfReport(String file, long size, int revisions, List<SignatureReport> signatures, List<String> problems,
        List<String> warnings) {

    /** True only when there is at least one signature, every one is TOTAL-PASSED, and the document has no problem. */
    public boolean valid() {
        return !signatures.isEmpty() && problems.isEmpty() && signatures.stream().allMatch(SignatureReport::valid);
    }

    /** What the whole report means, in one line of plain words. */
    public String summary() {
        if (signatures.isEmpty()) {
            return "the document holds no signature";
        }
        long passed = signatures.stream().filter(SignatureReport::valid).count();
        String all = signatures.size() == 1 ? "the signature is" : "all " + signatures.size() + " signatures are";
        if (passed == signatures.size()) {
            return problems.isEmpty() ? all + " TOTAL-PASSED"
                    : all + " TOTAL-PASSED, but the document has " + (problems.size() == 1 ? "a problem" : problems.size() + " problems")
                    + " no signature covers";
        }
        return (signatures.size() - passed) + " of " + signatures.size() + " signature" + (signatures.size() == 1 ? " is" : "s are")
                + " not TOTAL-PASSED";
    }
}
