package org.hsmkit.pdf.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.hsmkit.pdf.PdfReport;
import org.hsmkit.pdf.PdfVerifier;

import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.validation.SignedDocumentValidator;
import eu.europa.esig.dss.validation.reports.Reports;

/**
 * Verifies signed PDFs in one JVM, with hsmkit's {@link PdfVerifier} or with EU DSS's
 * {@link SignedDocumentValidator}, both offline (nothing fetched; no trust anchors, so both do
 * the same work: integrity, byte ranges and changes, certificate chains from the file, embedded
 * revocation data), and prints each file's median time per verification after one warm-up
 * round. Run by bench/pdf-verify.sh; DSS runs on the Bouncy Castle release it is built on.
 *
 * <p>Arguments: {@code hsmkit|dss ROUNDS FILE...}; with ROUNDS 0 each file is verified once and
 * nothing is printed (for timing whole processes).
 */
public final class PdfVerifyBench {
    private PdfVerifyBench() {
    }

    public static void main(String[] args) throws Exception {
        String engine = args[0];
        int rounds = Integer.parseInt(args[1]);
        List<Path> files = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            files.add(Path.of(args[i]));
        }
        long[][] times = new long[files.size()][rounds];
        for (int round = -1; round < rounds; round++) {
            for (int f = 0; f < files.size(); f++) {
                long start = System.nanoTime();
                int signatures = engine.equals("dss") ? dss(files.get(f)) : hsmkit(files.get(f));
                long took = System.nanoTime() - start;
                if (signatures == 0) {
                    throw new IllegalStateException(engine + " found no signature in " + files.get(f));
                }
                if (round >= 0) {
                    times[f][round] = took;
                }
            }
        }
        for (int f = 0; f < files.size() && rounds > 0; f++) {
            long[] t = times[f].clone();
            Arrays.sort(t);
            double median = (t[(rounds - 1) / 2] + t[rounds / 2]) / 2e6;
            System.out.printf("RESULT engine=%s file=%s ms=%.1f%n", engine, files.get(f).getFileName(), median);
        }
    }

    private static int hsmkit(Path file) {
        PdfReport r = PdfVerifier.trusting(List.of()).verify(file);
        return r.signatures().size();
    }

    private static int dss(Path file) {
        CommonCertificateVerifier cv = new CommonCertificateVerifier();
        cv.setAIASource(null);
        cv.setOcspSource(null);
        cv.setCrlSource(null);
        SignedDocumentValidator v = SignedDocumentValidator.fromDocument(new FileDocument(file.toFile()));
        v.setCertificateVerifier(cv);
        Reports reports = v.validateDocument();
        return reports.getSimpleReport().getSignaturesCount() + reports.getDiagnosticData().getTimestampList().size();
    }
}
