package org.hsmkit.cli;

import java.time.Instant;
import java.util.List;

import org.hsmkit.pdf.PdfReport;
import org.hsmkit.pdf.SignatureReport;

/**
 * The {@code pdf verify --json} schema (docs/pdf.md): records whose component names are the field
 * names. Absent values (a time not given, the sub-indication of a TOTAL-PASSED signature) are
 * left out; times are ISO 8601 instants.
 */
final class PdfVerifyJson {
    private PdfVerifyJson() {
    }

    record Document(String file, long size, int revisions, boolean valid, String summary, List<String> problems,
            List<String> warnings, List<Signature> signatures) {
    }

    record Signature(String field, String kind, String indication, String subIndication, String summary, String signer,
            String issuer, String subFilter, String level, String claimedTime, String provenTime, boolean valid, boolean intact,
            boolean byteRangeValid, boolean coversWholeFile, int revision, boolean trusted, String revocation,
            int certificationLevel, List<Change> changesAfter, List<String> failures, List<String> warnings) {
    }

    record Change(boolean allowed, String description) {
    }

    static Document of(PdfReport r) {
        return new Document(r.file(), r.size(), r.revisions(), r.valid(), r.summary(), r.problems(), r.warnings(),
                r.signatures().stream().map(PdfVerifyJson::of).toList());
    }

    private static Signature of(SignatureReport s) {
        return new Signature(s.field(), s.kind().name(), s.indication().label(),
                s.subIndication() == null ? null : s.subIndication().name(), s.summary(), s.signer(), s.issuer(), s.subFilter(),
                s.level(), time(s.claimedTime()), time(s.provenTime()), s.valid(), s.intact(), s.byteRangeValid(),
                s.coversWholeFile(), s.revision(), s.trusted(), s.revocation(), s.certificationLevel(),
                s.changesAfter().stream().map(c -> new Change(c.allowed(), c.description())).toList(), s.failures(), s.warnings());
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
