package org.hsmkit.pdf.internal;

import java.util.List;

import org.hsmkit.pdf.PdfReport;
import org.hsmkit.pdf.SignatureReport;

/** Writes a {@link PdfReport} as JSON (no library needed for this small, fixed shape). */
public final class ReportJson {
    private ReportJson() {
    }

    public static String write(PdfReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"file\": ").append(str(r.file()))
                .append(",\n  \"size\": ").append(r.size())
                .append(",\n  \"revisions\": ").append(r.revisions())
                .append(",\n  \"valid\": ").append(r.valid())
                .append(",\n  \"problems\": ").append(strings(r.problems()))
                .append(",\n  \"warnings\": ").append(strings(r.warnings()))
                .append(",\n  \"signatures\": [");
        for (int i = 0; i < r.signatures().size(); i++) {
            SignatureReport s = r.signatures().get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {");
            sb.append("\"field\": ").append(str(s.field()))
                    .append(", \"kind\": ").append(str(s.kind().name()))
                    .append(", \"subFilter\": ").append(str(s.subFilter()))
                    .append(", \"signer\": ").append(str(s.signer()))
                    .append(", \"claimedTime\": ").append(s.claimedTime() == null ? "null" : str(s.claimedTime().toString()))
                    .append(", \"provenTime\": ").append(s.provenTime() == null ? "null" : str(s.provenTime().toString()))
                    .append(", \"valid\": ").append(s.valid())
                    .append(", \"intact\": ").append(s.intact())
                    .append(", \"byteRangeValid\": ").append(s.byteRangeValid())
                    .append(", \"coversWholeFile\": ").append(s.coversWholeFile())
                    .append(", \"revision\": ").append(s.revision())
                    .append(", \"level\": ").append(str(s.level()))
                    .append(", \"trusted\": ").append(s.trusted())
                    .append(", \"revocation\": ").append(str(s.revocation()))
                    .append(", \"certificationLevel\": ").append(s.certificationLevel())
                    .append(", \"changesAfter\": [");
            for (int j = 0; j < s.changesAfter().size(); j++) {
                SignatureReport.Change c = s.changesAfter().get(j);
                sb.append(j == 0 ? "" : ", ").append("{\"allowed\": ").append(c.allowed())
                        .append(", \"description\": ").append(str(c.description())).append('}');
            }
            sb.append("], \"failures\": ").append(strings(s.failures()))
                    .append(", \"warnings\": ").append(strings(s.warnings())).append('}');
        }
        sb.append(r.signatures().isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        return sb.toString();
    }

    private static String strings(List<String> l) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < l.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(str(l.get(i)));
        }
        return sb.append(']').toString();
    }

    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
