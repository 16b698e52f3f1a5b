package org.hsmkit.pdf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.core.internal.cms.AlgorithmPolicy;
import org.hsmkit.pdf.SignatureReport.Kind;
import org.hsmkit.pdf.SubIndication;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * When a PDF signature (or document time-stamp) with a weak algorithm stands: when something
 * trusted proves it existed before the algorithm's end date — its own signature time-stamp, or a
 * later document time-stamp that covers it and stands itself. SHA-1's end date is 2014-01-01.
 */
class WeakAlgorithmProofTest {
    private static final AlgorithmPolicy.Weakness SHA1 = AlgorithmPolicy.ofHash("SHA-1").orElseThrow();

    /**
     * A weak signature at the start of the file, then document time-stamps, each "-" (none),
     * "TIME" (trusted and sound), "TIME!" (weak itself) or "TIME?" (not trusted).
     */
    @ParameterizedTest(name = "signature time-stamp {0}, then {1}, then {2}: signature {3}")
    @CsvSource({
            // nothing proves anything: refused
            "-,                    -,                    -,                    refused",
            // its own signature time-stamp before the end date
            "2013-06-01T00:00:00Z, -,                    -,                    stands",
            "2014-01-01T00:00:00Z, -,                    -,                    refused",
            // a later document time-stamp that predates the end date proves it, one after does not
            "-,                    2013-12-31T23:59:59Z, -,                    stands",
            "-,                    2014-01-01T00:00:00Z, -,                    refused",
            "-,                    2020-01-01T00:00:00Z, 2013-01-01T00:00:00Z, stands",
            // an untrusted document time-stamp proves nothing
            "-,                    2013-01-01T00:00:00Z?, -,                   refused",
            // a weak document time-stamp proves nothing unless a later one proves it first
            "-,                    2013-01-01T00:00:00Z!, -,                   refused",
            "-,                    2013-01-01T00:00:00Z!, 2013-06-01T00:00:00Z, stands",
            "-,                    2013-01-01T00:00:00Z!, 2020-06-01T00:00:00Z, refused",
    })
    void aWeakSignatureStandsOnlyWithProofItPredatesTheEndDate(String own, String first, String second, String verdict) {
        List<SignatureState> sigs = new ArrayList<>();
        SignatureState signature = state(Kind.SIGNATURE, 100, true, own.equals("-") ? null : Instant.parse(own));
        signature.weak(SHA1, "the signature ");
        sigs.add(signature);
        long end = 200;
        for (String t : new String[] {first, second}) {
            if (t.equals("-")) {
                continue;
            }
            String time = t.replaceAll("[!?]$", "");
            SignatureState ts = state(Kind.DOCUMENT_TIMESTAMP, end, !t.endsWith("?"), Instant.parse(time));
            if (t.endsWith("!")) {
                ts.weak(SHA1, "the document time-stamp ");
            }
            sigs.add(ts);
            end += 100;
        }
        Verification.judgeWeakAlgorithms(sigs, (ts, data) -> false);
        assertEquals(verdict.equals("refused"), signature.failed(), signature.report(3).toString());
        if (signature.failed()) {
            assertEquals(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, signature.report(3).subIndication());
        }
    }

    @ParameterizedTest(name = "a weak document time-stamp of {0} alone is refused: its own time proves nothing")
    @CsvSource({"2010-01-01T00:00:00Z", "2026-01-01T00:00:00Z"})
    void aWeakDocumentTimeStampsOwnTimeProvesNothing(String time) {
        SignatureState ts = state(Kind.DOCUMENT_TIMESTAMP, 100, true, Instant.parse(time));
        ts.weak(SHA1, "the document time-stamp ");
        Verification.judgeWeakAlgorithms(List.of(ts), (t, data) -> false);
        assertEquals(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, ts.report(1).subIndication());
        assertEquals(List.of("the document time-stamp uses SHA-1, not relied on for signatures since 2014, and no trusted"
                + " time-stamp proves it was made before"), ts.report(1).failures());
    }

    /**
     * A sound signature whose signer's revocation status rests on an OCSP response signed with
     * SHA-1: a forged one could say "good", so it stands only when a later document time-stamp
     * that predates SHA-1's end date proves it, and only one whose revision already held it.
     */
    @ParameterizedTest(name = "signature time-stamp {0}, then a document time-stamp {1} (held the response: {2}): {3}")
    @CsvSource({
            "-,                    -,                    false, refused",
            // the signature's own time-stamp is older than the response: it proves nothing of it
            "2013-01-01T00:00:00Z, -,                    false, refused",
            "-,                    2013-12-31T23:59:59Z, true,  stands",
            "-,                    2013-12-31T23:59:59Z, false, refused",
            "-,                    2014-01-01T00:00:00Z, true,  refused",
            "-,                    2013-06-01T00:00:00Z?, true, refused",
    })
    void weakRevocationDataStandsOnlyWithATimeStampOverIt(String own, String later, boolean held, String verdict) {
        SignatureState signature = state(Kind.SIGNATURE, 100, true, own.equals("-") ? null : Instant.parse(own));
        Object response = "the OCSP response";
        signature.weakRevocation = List.of(new Revocation.Finding(Revocation.Status.GOOD, null, Instant.parse("2012-01-01T00:00:00Z"),
                "OCSP", List.of(), SHA1, "the OCSP response on CN=Bob ", response));
        List<SignatureState> sigs = new ArrayList<>(List.of(signature));
        if (!later.equals("-")) {
            sigs.add(state(Kind.DOCUMENT_TIMESTAMP, 200, !later.endsWith("?"), Instant.parse(later.replace("?", ""))));
        }
        Verification.judgeWeakAlgorithms(sigs, (ts, data) -> held && data == response);
        assertEquals(verdict.equals("refused"), signature.failed(), signature.report(2).toString());
        if (signature.failed()) {
            assertEquals(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, signature.report(2).subIndication());
            assertEquals(List.of("the OCSP response on CN=Bob uses SHA-1, not relied on for signatures since 2014, and no trusted"
                    + " time-stamp proves it was made before: it does not establish the certificate's status"),
                    signature.report(2).failures());
        }
    }

    /**
     * A signature whose path holds a certificate its CA signed with SHA-1 stands as the
     * signature's own weakness would: with its own time-stamp or a later document time-stamp
     * from before the end date. A document time-stamp's own time proves nothing of its path.
     */
    @ParameterizedTest(name = "{0} with signature time-stamp {1}, then a document time-stamp {2}: {3}")
    @CsvSource({
            "SIGNATURE,          -,                    -,                    refused",
            "SIGNATURE,          2013-01-01T00:00:00Z, -,                    stands",
            "SIGNATURE,          -,                    2013-06-01T00:00:00Z, stands",
            "SIGNATURE,          -,                    2014-06-01T00:00:00Z, refused",
            "DOCUMENT_TIMESTAMP, 2013-01-01T00:00:00Z, -,                    refused",
            "DOCUMENT_TIMESTAMP, 2013-01-01T00:00:00Z, 2013-06-01T00:00:00Z, stands",
    })
    void aWeakCertificateOfThePathStandsWithProofLikeTheSignature(Kind kind, String own, String later, String verdict) {
        SignatureState s = state(kind, 100, true, own.equals("-") ? null : Instant.parse(own));
        s.pathWeakness = new TrustCheck.PathWeakness(SHA1, "the certificate CN=CA is signed by its issuer with SHA-1");
        List<SignatureState> sigs = new ArrayList<>(List.of(s));
        if (!later.equals("-")) {
            sigs.add(state(Kind.DOCUMENT_TIMESTAMP, 200, true, Instant.parse(later)));
        }
        Verification.judgeWeakAlgorithms(sigs, (ts, data) -> false);
        assertEquals(verdict.equals("refused"), s.failed(), s.report(2).toString());
        assertEquals(!verdict.equals("refused"), s.trusted, "a refused path is not trusted");
        if (s.failed()) {
            assertEquals(List.of("the certificate CN=CA is signed by its issuer with SHA-1, and no trusted time-stamp proves the signature"
                    + " was made before"), s.report(2).failures());
        }
    }

    private static SignatureState state(Kind kind, long end, boolean trusted, Instant proven) {
        SignatureState s = new SignatureState();
        s.field = kind + "@" + end;
        s.kind = kind;
        s.end = end;
        s.intact = true;
        s.trusted = trusted;
        s.proven = proven;
        return s;
    }
}
