package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signed PDFs that other tools made, verified as they are: the verdict each of their signatures
 * must get. The files carry real signers whose roots are not trusted here.
 */
class CorpusVerificationTest {

    /**
     * Five signatures from 2011 whose signed attributes are not in DER order (openssl and poppler
     * verify them over the bytes as written), and a document time-stamp, over eight revisions whose
     * cross-reference chain is damaged: the last section's /Prev is 0 and revision 7's offsets are
     * shifted, so only a reconstruction of the object table reaches the earlier objects.
     */
    @Test
    void fiveSignaturesAndADocumentTimestampOverADamagedCrossReferenceChain() {
        PdfReport r = PdfVerifier.trusting(List.of())
                .verify(PdfTestSupport.corpus("dss-pades-5-signatures-and-1-document-timestamp.pdf"));
        assertEquals(8, r.revisions());
        assertEquals(List.of("Signature1", "Signature2", "Signature3", "Signature4", "Signature5", "Signature6"),
                r.signatures().stream().map(SignatureReport::field).toList(), r.toString());
        for (SignatureReport s : r.signatures()) {
            assertTrue(s.intact(), s.field() + " is intact: " + r.toString());
            assertTrue(s.byteRangeValid(), s.field() + ": " + r.toString());
            assertTrue(s.changesAfter().stream().allMatch(SignatureReport.Change::allowed),
                    s.field() + ": later revisions only add signatures, fields and validation data: " + r.toString());
        }
        assertEquals(SignatureReport.Kind.DOCUMENT_TIMESTAMP, r.signatures().get(5).kind());
        assertTrue(r.signatures().get(5).coversWholeFile(), r.toString());
        for (SignatureReport s : r.signatures()) {
            assertEquals(Indication.INDETERMINATE, s.indication(), s.toString());
            assertEquals(SubIndication.NO_CERTIFICATE_CHAIN_FOUND, s.subIndication(), s.toString());
            assertTrue(s.summary().contains("is intact, but hsmkit was not told to trust its issuer"), s.summary());
        }
        for (SignatureReport s : r.signatures().subList(0, 5)) {
            assertTrue(s.warnings().stream().anyMatch(w -> w.startsWith("the signed attributes are not DER-encoded")), s.toString());
        }
        assertTrue(r.warnings().get(0).startsWith("the cross-reference chain is damaged (the /Prev of the cross-reference section at"
                + " byte 335210 points at byte 0, where no cross-reference section is; the chain does not reach the cross-reference"
                + " sections of revisions 1–7)"), r.warnings().toString());
        assertEquals("CN=Peter Rybár", r.signatures().get(0).signer().replaceAll(".*(CN=[^,]*).*", "$1"));
        assertTrue(r.signatures().get(0).signer().endsWith(",SN=Rybár,givenName=Peter,title=Ing.,serialNumber=PNOSK 7503307482"),
                r.signatures().get(0).signer());
    }

    /**
     * Where hsmkit and DSS disagree on a corpus file, and why hsmkit is right: field → reason.
     * Signatures 1–5 of the 2011 file sign their attributes in the order written rather than DER
     * order; DSS (on Bouncy Castle) re-encodes them before checking and reports SIG_CRYPTO_FAILURE,
     * and DSS's own test of this file expects exactly that. openssl cms and poppler check the bytes
     * the signer signed, as hsmkit does: the digest and signing certificate are read from those
     * same bytes, so nothing unsigned is trusted.
     */
    private static final Map<String, String> DSS_RE_ENCODES = Map.of(
            "Signature1", "signed attributes not in DER order", "Signature2", "signed attributes not in DER order",
            "Signature3", "signed attributes not in DER order", "Signature4", "signed attributes not in DER order",
            "Signature5", "signed attributes not in DER order");

    @ParameterizedTest
    @ValueSource(strings = {"dss-Signature-P-BG_BOR-1.pdf", "dss-doc-firmado-T.pdf", "dss-doc-firmado-LT.pdf",
        "dss-DSS1376-rev_n.pdf", "dss-pades-5-signatures-and-1-document-timestamp.pdf"})
    void hsmkitAndDssAgreeOnIntegrityAndChangesOfEverySignedCorpusFile(String name) {
        Path pdf = PdfTestSupport.corpus(name);
        PdfReport ours = PdfVerifier.trusting(List.of()).verify(pdf);
        DssOracle.Verdict dss = DssOracle.validate(pdf, false);
        assertEquals(ours.signatures().size(), dss.details().size(), "signatures and document time-stamps: " + ours + "\n" + dss);
        for (SignatureReport s : ours.signatures()) {
            DssOracle.Signed theirs = dss.field(s.field());
            boolean disallowed = s.changesAfter().stream().anyMatch(c -> !c.allowed());
            assertEquals(theirs.undefinedChanges() > 0, disallowed, name + " " + s.field() + ": changes after it\n" + s + "\n" + theirs);
            if (name.startsWith("dss-pades-5-") && DSS_RE_ENCODES.containsKey(s.field())) {
                assertTrue(s.intact() && !theirs.intact(), s.field() + ": " + DSS_RE_ENCODES.get(s.field()) + "\n" + s + "\n" + theirs);
                assertEquals("TOTAL_FAILED/SIG_CRYPTO_FAILURE", theirs.indication() + "/" + theirs.subIndication(), theirs.toString());
            } else {
                assertEquals(theirs.intact(), s.intact(), name + " " + s.field() + ": integrity\n" + s + "\n" + theirs);
                // the same verdict in the same words: none of these real signers' roots is trusted here
                assertEquals(theirs.indication() + "/" + theirs.subIndication(),
                        s.indication().name() + "/" + s.subIndication(), name + " " + s.field() + "\n" + s + "\n" + theirs);
            }
        }
    }
}
