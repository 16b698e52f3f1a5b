package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.pdf.PadesLevel;
import org.hsmkit.pdf.PadesSigner;
import org.hsmkit.pdf.PdfReport;
import org.hsmkit.pdf.PdfVerifier;
import org.hsmkit.pdf.SignatureReport;

/**
 * Signing PDFs that someone else sent (PAdES B-B with the corpus EC key): PDFBox reads the file,
 * hsmkit appends a revision. Signing refuses with INPUT only, and then writes nothing; a signed
 * output keeps the input's bytes as its first revision, and when hsmkit's own verifier reads it
 * (it may refuse a damaged file, with INPUT), its last signature is intact and made by the corpus key.
 */
class PdfSignFuzzTest {
    static {
        PdfBoxLogging.off();
    }

    private static final FuzzPki PKI = FuzzPki.get();
    private static final PadesSigner SIGNER = PadesSigner.builder(PKI.keys().get(1)).level(PadesLevel.B_B).build();
    private static final PdfVerifier VERIFIER = PdfVerifier.trusting(List.of(PKI.root));
    private static final Path DIR = Scratch.directory("pdf-sign");

    @FuzzTest
    void sign(byte[] input) throws Exception {
        Path in = Files.write(DIR.resolve("in.pdf"), input);
        Path out = DIR.resolve("out.pdf");
        Files.deleteIfExists(out);
        PadesSigner.Result r = Contract.call("sign", Contract.budget(input.length, 512), Contract.inputKinds(),
                () -> out.toFile().delete(), () -> SIGNER.sign(in, out, true));
        if (r == null) {
            assertFalse(Files.exists(out), "a refused signing left an output");
            return;
        }
        byte[] signed = Files.readAllBytes(out);
        assertArrayEquals(input, Arrays.copyOf(signed, input.length), "the input is not the signed file's first revision");
        // a file hsmkit signed may still be one its verifier refuses to read (a damaged one that PDFBox
        // repairs when it loads it for signing); what it reads, it must read right
        PdfReport report = Contract.call("verify the output", Contract.budget(signed.length, 512), Contract.inputKinds(),
                () -> VERIFIER.verify(out));
        if (report == null) {
            return;
        }
        if (report.warnings().stream().anyMatch(w -> w.startsWith("the cross-reference chain is damaged"))) {
            // read as readers repair it, a damaged file may show another document than the one PDFBox
            // signed (a spliced file with two trailers, found by this target): known, not checked here
            return;
        }
        assertFalse(report.signatures().isEmpty(), "the signed file shows no signature");
        SignatureReport last = report.signatures().get(report.signatures().size() - 1);
        assertTrue(last.intact() && last.coversWholeFile(), "the new signature is not intact over the whole file: " + last.summary());
        assertTrue(last.signer().contains("Fuzz EC"), "the new signature names " + last.signer());
    }
}
