package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Every PAdES level, judged by hsmkit's own verifier, poppler's pdfsig and the EU DSS validator. */
class PadesLevelsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(PadesLevel.class)
    void eachLevelIsAcceptedByAllThreeVerifiers(PadesLevel level) {
        Path out = dir.resolve("signed-" + level + ".pdf");
        PadesSigner signer = PadesSigner.builder(PdfTestSupport.key(TestUser.ALICE_RSA2048)).level(level)
                .tsa(PdfTestSupport.responders().tsaUrl()).reason("approval").location("Berlin").build();
        PadesSigner.Result r = signer.sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), out, false);
        assertEquals(level, r.level());
        assertTrue(r.reservedBytes() - r.cmsBytes() < 2048, "no megabytes of padding: reserved " + r.reservedBytes()
                + " for " + r.cmsBytes());

        PdfReport report = PdfTestSupport.verifier().verify(out);
        assertTrue(report.valid(), report.toString());
        SignatureReport sig = report.signatures().get(0);
        assertEquals(level.label(), sig.level(), report.toString());
        assertEquals(level == PadesLevel.B_LTA ? 2 : 1, report.signatures().size());

        PdfTestSupport.assertPdfsigAccepts(out, level == PadesLevel.B_LTA ? 2 : 1, level != PadesLevel.B_LT);

        DssOracle.Verdict v = DssOracle.validate(out, level.compareTo(PadesLevel.B_LT) < 0);
        assertEquals(List.of("TOTAL_PASSED"), v.indications(), v.toString());
        assertEquals(List.of("PAdES-BASELINE-" + level.label().substring(2)), v.formats(), v.toString());
    }

    /**
     * A second signature on a document that holds validation data already: that data is the first
     * signature's, made before the second, so a second B-LT signing adds its own, and a second
     * signature at B-T stays B-T. DSS judges the levels alike (before, hsmkit reused the data and
     * called both B-LT, where DSS saw the second as B-T).
     */
    @ParameterizedTest(name = "then {0}")
    @EnumSource(value = PadesLevel.class, names = {"B_T", "B_LT"})
    void aSecondSignatureIsBLtOnlyWithValidationDataAddedAfterIt(PadesLevel second) {
        Path one = dir.resolve("one.pdf");
        PadesSigner.builder(PdfTestSupport.key(TestUser.BOB_P256)).level(PadesLevel.B_LT).tsa(PdfTestSupport.responders().tsaUrl())
                .build().sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), one, false);
        Path two = dir.resolve("two.pdf");
        PadesSigner.builder(PdfTestSupport.key(TestUser.BOB_P256)).level(second).tsa(PdfTestSupport.responders().tsaUrl())
                .build().sign(one, two, false);
        PdfReport report = PdfTestSupport.verifier().verify(two);
        assertTrue(report.valid(), report.toString());
        assertEquals(List.of("B-LT", second.label()), report.signatures().stream().map(SignatureReport::level).toList(), report.toString());
        DssOracle.Verdict v = DssOracle.validate(two, false);
        assertEquals(List.of("PAdES-BASELINE-LT", "PAdES-BASELINE-" + second.label().substring(2)), v.formats(), v.toString());
    }

    @ParameterizedTest
    @CsvSource({
        "BOB_P256, ECDSA, SHA256",
        "CAROL_P384, ECDSA, SHA384",
        "ERIN_BP256, ECDSA, SHA256",
        "ANDY_RSA3072, RSA_PSS, SHA256",
        "ALICE_RSA2048, RSA_PKCS1, SHA512",
    })
    void keyTypesSchemesAndDigestsAtBT(TestUser user, SignatureScheme scheme, DigestAlgorithm digest) {
        Path out = dir.resolve("signed-" + user + ".pdf");
        PadesSigner.builder(PdfTestSupport.key(user)).level(PadesLevel.B_T).scheme(scheme).digest(digest)
                .tsa(PdfTestSupport.responders().tsaUrl()).build()
                .sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), out, false);
        PdfReport report = PdfTestSupport.verifier().verify(out);
        assertTrue(report.valid(), report.toString());
        if (user.curve() == null || !user.curve().startsWith("brainpool")) {
            PdfTestSupport.assertPdfsigAccepts(out, 1); // NSS, under pdfsig, has no brainpool curves
        }
        DssOracle.Verdict v = DssOracle.validate(out, true);
        assertEquals(List.of("TOTAL_PASSED"), v.indications(), v.toString());
        assertEquals(List.of("PAdES-BASELINE-T"), v.formats(), v.toString());
    }
}
