package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.pdf.PdfReport;
import org.hsmkit.pdf.PdfVerifier;
import org.hsmkit.pdf.SignatureReport;

/**
 * PDF verification on hostile files: revision index, byte ranges, signature dictionaries, the
 * revisions after a signature. Verification refuses with INPUT only; and whenever it calls a
 * signature intact, a /ByteRange of the file covers bytes that a corpus signature really signed.
 */
class PdfVerifyFuzzTest {
    static {
        PdfBoxLogging.off();
    }

    private static final String SEEDS = "/org/hsmkit/fuzz/PdfVerifyFuzzTestInputs/verify/";
    private static final Pattern BYTE_RANGE = Pattern.compile("/ByteRange\\s*\\[\\s*(\\d{1,10})\\s+(\\d{1,10})\\s+(\\d{1,10})\\s+(\\d{1,10})\\s*\\]");
    private static final Set<String> SIGNED = signedDigests();
    private static final PdfVerifier VERIFIER = PdfVerifier.trusting(List.of(FuzzPki.get().root));
    private static final Path DIR = Scratch.directory("pdf");

    @FuzzTest
    void verify(byte[] input) throws Exception {
        Path file = Files.write(DIR.resolve("in.pdf"), input);
        PdfReport report = Contract.call("verify", Contract.budget(input.length, 512), Contract.inputKinds(), () -> VERIFIER.verify(file));
        if (report == null) {
            return;
        }
        for (SignatureReport s : report.signatures()) {
            if (s.intact()) {
                assertTrue(coveredDigests(input).stream().anyMatch(SIGNED::contains),
                        "signature " + s.field() + " called intact, but no byte range covers bytes a corpus signature signed");
            }
        }
    }

    private static Set<String> signedDigests() {
        Set<String> out = new HashSet<>();
        for (String seed : List.of("seed-hsmkit-ec-b-b.pdf", "seed-hsmkit-two-signatures.pdf")) {
            out.addAll(coveredDigests(FuzzPki.resource(SEEDS + seed)));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("the signed seeds have no /ByteRange");
        }
        return out;
    }

    /** SHA-256 of the bytes each well-formed /ByteRange in the file covers. */
    private static Set<String> coveredDigests(byte[] pdf) {
        Set<String> out = new HashSet<>();
        Matcher m = BYTE_RANGE.matcher(new String(pdf, StandardCharsets.ISO_8859_1));
        while (m.find()) {
            long a = Long.parseLong(m.group(1));
            long b = Long.parseLong(m.group(2));
            long c = Long.parseLong(m.group(3));
            long d = Long.parseLong(m.group(4));
            if (a + b > pdf.length || c + d > pdf.length) {
                continue;
            }
            byte[] covered = new byte[(int) (b + d)];
            System.arraycopy(pdf, (int) a, covered, 0, (int) b);
            System.arraycopy(pdf, (int) c, covered, (int) b, (int) d);
            out.add(FuzzPki.sha256(covered));
        }
        return out;
    }
}
