package org.hsmkit.pdf;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.pdf.internal.Verification;

/** Checks a freshly written file before it is moved into place: its newest signatures must verify. */
final class SelfCheck {
    private SelfCheck() {
    }

    /**
     * Requires that the last signature by {@code signer} (when given) and every document
     * time-stamp after it are intact with a sound byte range, and that the last revision is covered.
     */
    static void requireIntact(Path file, char[] password, X509Certificate signer) {
        PdfReport r = new Verification(file, password, List.of(), true).run();
        List<SignatureReport> sigs = r.signatures();
        if (sigs.isEmpty()) {
            throw new IllegalStateException("the signed output holds no signature");
        }
        int from = 0;
        if (signer != null) {
            from = -1;
            for (int i = sigs.size() - 1; i >= 0; i--) {
                if (sigs.get(i).kind() == SignatureReport.Kind.SIGNATURE
                        && sigs.get(i).signer().equals(signer.getSubjectX500Principal().getName())) {
                    from = i;
                    break;
                }
            }
            if (from < 0) {
                throw new IllegalStateException("the new signature is not found in the output");
            }
        }
        for (int i = Math.max(from, 0); i < sigs.size(); i++) {
            SignatureReport s = sigs.get(i);
            if (signer == null && s.kind() != SignatureReport.Kind.DOCUMENT_TIMESTAMP) {
                continue;
            }
            if (!s.intact() || !s.byteRangeValid()) {
                throw new HsmkitException(org.hsmkit.core.ErrorKind.INPUT, "the output failed its own check: "
                        + String.join("; ", s.failures()), "nothing was written; run again with --stacktrace and report it");
            }
        }
    }
}
