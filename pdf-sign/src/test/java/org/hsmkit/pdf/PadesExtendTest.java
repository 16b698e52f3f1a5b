package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifting signatures to B-LT and B-LTA after the fact, renewing the archive time-stamp, foreign signatures. */
class PadesExtendTest {
    @TempDir
    Path dir;

    private PadesExtender extender(PadesLevel level) {
        return new PadesExtender(level, PdfTestSupport.responders().tsaUrl(), DigestAlgorithm.SHA256,
                ValidationDataSources.fetching(), null);
    }

    @Test
    void bTLiftedToLtThenLtaThenRenewed() {
        Path bt = dir.resolve("bt.pdf");
        PadesSigner.builder(PdfTestSupport.key(TestUser.BOB_P256)).level(PadesLevel.B_T).tsa(PdfTestSupport.responders().tsaUrl())
                .build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), bt, false);

        Path lt = dir.resolve("lt.pdf");
        extender(PadesLevel.B_LT).extend(bt, lt, false);
        PdfReport r = PdfTestSupport.verifier().verify(lt);
        assertTrue(r.valid(), r.toString());
        assertEquals("B-LT", r.signatures().get(0).level());
        assertTrue(r.signatures().get(0).changesAfter().stream().anyMatch(c -> c.allowed() && c.description().contains("/DSS")));
        DssOracle.Verdict v = DssOracle.validate(lt, false);
        assertEquals(List.of("TOTAL_PASSED"), v.indications(), v.toString());
        assertEquals(List.of("PAdES-BASELINE-LT"), v.formats(), v.toString());

        Path lta = dir.resolve("lta.pdf");
        extender(PadesLevel.B_LTA).extend(lt, lta, false);
        r = PdfTestSupport.verifier().verify(lta);
        assertTrue(r.valid(), r.toString());
        assertEquals("B-LTA", r.signatures().get(0).level());
        v = DssOracle.validate(lta, false);
        assertEquals("TOTAL_PASSED", v.indications().get(0), v.toString());
        assertEquals("PAdES-BASELINE-LTA", v.formats().get(0), v.toString());
        PdfTestSupport.assertPdfsigAccepts(lta, 2);

        Path renewed = dir.resolve("renewed.pdf");
        extender(PadesLevel.B_LTA).extend(lta, renewed, false);
        r = PdfTestSupport.verifier().verify(renewed);
        assertTrue(r.valid(), r.toString());
        assertEquals(3, r.signatures().size(), "signature plus two document time-stamps");
        assertEquals(SignatureReport.Kind.DOCUMENT_TIMESTAMP, r.signatures().get(2).kind());
        v = DssOracle.validate(renewed, false);
        assertEquals("TOTAL_PASSED", v.indications().get(0), v.toString());
        assertEquals("PAdES-BASELINE-LTA", v.formats().get(0), v.toString());
    }

    @Test
    void aSignatureMadeByOtherSoftwareIsExtended() throws Exception {
        // A plain adbe.pkcs7.detached signature as many tools make it (BC defaults, signing-time attribute).
        TestPki.Credential c = PdfTestSupport.pki().user(TestUser.CAROL_P384);
        Path foreign = PdfTestSupport.signedByOtherSoftware(dir.resolve("foreign.pdf"), "SHA384withECDSA", c);
        PdfReport before = PdfTestSupport.verifier().verify(foreign);
        assertEquals("PKCS#7 (not PAdES)", before.signatures().get(0).level(), before.toString());
        assertTrue(before.signatures().get(0).intact(), before.toString());

        Path lta = dir.resolve("foreign-lta.pdf");
        extender(PadesLevel.B_LTA).extend(foreign, lta, false);
        PdfReport r = PdfTestSupport.verifier().verify(lta);
        assertTrue(r.valid(), r.toString());
        assertTrue(r.signatures().get(0).revocation().startsWith("good"), r.toString());
        assertEquals(SignatureReport.Kind.DOCUMENT_TIMESTAMP, r.signatures().get(1).kind());
        PdfTestSupport.assertPdfsigAccepts(lta, 2);
    }
}
