package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keys on SoftHSM2 through the real PKCS#11 binding: the signer never sees the private key. */
class PadesSoftHsmTest {
    static SoftHsmToken hsm;
    static Token token;

    @TempDir
    Path dir;

    @BeforeAll
    static void token() {
        hsm = SoftHsmToken.create("pdf");
        token = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
        for (TestUser u : List.of(TestUser.ALICE_RSA2048, TestUser.BOB_P256)) {
            TestPki.Credential c = PdfTestSupport.pki().user(u);
            token.importKey(c.privateKey(), c.chain(), u.fileName(), null);
        }
    }

    @AfterAll
    static void done() {
        token.close();
        hsm.close();
    }

    @ParameterizedTest
    @CsvSource({"alice-rsa2048, B_LTA", "bob-p256, B_T"})
    void tokenKeysSignEveryLevel(String label, PadesLevel level) {
        TokenKey key = token.key(label);
        Path out = dir.resolve(label + ".pdf");
        PadesSigner.builder(key).level(level).tsa(PdfTestSupport.responders().tsaUrl()).build()
                .sign(PdfTestSupport.corpus("pdfbox-sign_me.pdf"), out, false);
        PdfReport r = PdfTestSupport.verifier().verify(out);
        assertTrue(r.valid(), r.toString());
        assertEquals(level.label(), r.signatures().get(0).level());
        PdfTestSupport.assertPdfsigAccepts(out, level == PadesLevel.B_LTA ? 2 : 1);
        DssOracle.Verdict v = DssOracle.validate(out, level.compareTo(PadesLevel.B_LT) < 0);
        assertEquals("TOTAL_PASSED", v.indications().get(0), v.toString());
        assertEquals("PAdES-BASELINE-" + level.label().substring(2), v.formats().get(0), v.toString());
    }
}
