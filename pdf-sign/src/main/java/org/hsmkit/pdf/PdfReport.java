package org.hsmkit.pdf;

import java.util.List;

/**
 * The verification result of a whole PDF: one {@link SignatureReport} per signature and document
 * time-stamp in file order, plus problems of the document itself (such as bytes after the last
 * revision that no revision accounts for), and warnings about the document that do not make it
 * invalid (such as a damaged cross-reference chain that had to be read the way PDF readers repair it).
 */
public record PdfReport(String file, long size, int revisions, List<SignatureReport> signatures, List<String> problems,
        List<String> warnings) {

    /** True only when there is at least one signature and every one of them is valid and trusted. */
    public boolean valid() {
        return !signatures.isEmpty() && problems.isEmpty() && signatures.stream().allMatch(SignatureReport::valid);
    }

    /** The same report as JSON. */
    public String toJson() {
        return org.hsmkit.pdf.internal.ReportJson.write(this);
    }
}
