package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

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
                r.signatures().stream().map(SignatureReport::field).toList(), r.toJson());
        for (SignatureReport s : r.signatures()) {
            assertTrue(s.intact(), s.field() + " is intact: " + r.toJson());
            assertTrue(s.byteRangeValid(), s.field() + ": " + r.toJson());
            assertTrue(s.changesAfter().stream().allMatch(SignatureReport.Change::allowed),
                    s.field() + ": later revisions only add signatures, fields and validation data: " + r.toJson());
        }
        assertEquals(SignatureReport.Kind.DOCUMENT_TIMESTAMP, r.signatures().get(5).kind());
        assertTrue(r.signatures().get(5).coversWholeFile(), r.toJson());
    }
}
