package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.hsmkit.core.ca.OcspResponder;

/**
 * OCSP requests as {@code ca ocsp-serve} takes them from anyone who can reach it. The responder
 * answers every input, without an exception, with a well-formed OCSPResponse whose status is
 * successful, malformedRequest or unauthorized — never internalError or tryLater, which would
 * blame the server for the client's bytes. A successful answer is signed by the CA's key, holds
 * one answer per request in order, and echoes the request's nonce.
 *
 * <p>The CA ({@link FuzzPki#ca()}) has the corpus EC key and the subject of its certificate, so
 * requests made for that certificate's issuer name and key (the seeds) are the CA's own.
 */
class OcspRequestFuzzTest {
    private static final Set<Integer> ANSWERS = Set.of(OCSPRespBuilder.SUCCESSFUL, OCSPRespBuilder.MALFORMED_REQUEST,
            OCSPRespBuilder.UNAUTHORIZED);
    private static final OcspResponder RESPONDER = OcspResponder.signedByCa(FuzzPki.ca());

    @FuzzTest
    void respond(byte[] input) throws Exception {
        byte[] answer = Contract.call("respond", Contract.budget(input.length, 64), Set.of(), () -> RESPONDER.respond(input));
        OCSPResp resp = new OCSPResp(answer);
        assertTrue(ANSWERS.contains(resp.getStatus()), "status " + resp.getStatus());
        if (resp.getStatus() != OCSPRespBuilder.SUCCESSFUL) {
            return;
        }
        OCSPReq req = new OCSPReq(input);
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(FuzzPki.get().ecCertificate.getPublicKey())));
        assertEquals(req.getRequestList().length, basic.getResponses().length);
        for (int i = 0; i < req.getRequestList().length; i++) {
            assertEquals(req.getRequestList()[i].getCertID(), basic.getResponses()[i].getCertID());
        }
        Extension nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        assertEquals(nonce == null, echoed == null);
        if (nonce != null) {
            assertArrayEquals(nonce.getExtnValue().getOctets(), echoed.getExtnValue().getOctets());
        }
    }
}
