package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

import org.bouncycastle.cert.ocsp.OCSPResp;
import org.hsmkit.pdf.internal.Http;
import org.hsmkit.pdf.internal.Revocation;
import org.hsmkit.testdata.TestUser;
import org.hsmkit.testdata.responders.PkiResponders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Which revocation data a verification relies on when several speak of one certificate: data
 * signed with a weak algorithm only when nothing sound does, since a forged piece could say
 * anything — also "revoked".
 */
class RevocationChoiceTest {
    /** Its own responders: this test revokes a certificate. */
    private static final PkiResponders RESPONDERS = PkiResponders.start();
    private static final X509Certificate BOB = RESPONDERS.pki().user(TestUser.BOB_P256).certificate();
    private static final X509Certificate ISSUER = RESPONDERS.pki().intermediate().certificate();

    @AfterAll
    static void stop() {
        RESPONDERS.close();
    }

    private static OCSPResp ocsp(String digest) {
        return Revocation.parseOcsp(signedWith(digest, () -> Revocation.fetchOcsp(RESPONDERS.ocspUrl(), BOB, ISSUER)));
    }

    private static X509CRL crl(String digest) {
        return Revocation.parseCrl(signedWith(digest, () -> Http.get(RESPONDERS.baseUrl() + "/crl/intermediate.crl")));
    }

    private static byte[] signedWith(String digest, java.util.function.Supplier<byte[]> fetch) {
        RESPONDERS.revocationDigest(digest);
        try {
            return fetch.get();
        } finally {
            RESPONDERS.revocationDigest("SHA256");
        }
    }

    @Test
    void aSoundOcspResponseIsPreferredToAWeakCrl() {
        Revocation.Finding f = Revocation.find(BOB, ISSUER, List.of(ocsp("SHA256")), List.of(crl("SHA1")));
        assertEquals("OCSP", f.source());
        assertNull(f.weakness(), f.toString());
    }

    @Test
    void aSoundCrlIsPreferredToAWeakOcspResponse() {
        Revocation.Finding f = Revocation.find(BOB, ISSUER, List.of(ocsp("SHA1")), List.of(crl("SHA256")));
        assertEquals("CRL", f.source());
        assertNull(f.weakness(), f.toString());
    }

    @Test
    void weakDataAloneIsWhatThereIsAndSaysWhyItIsWeak() {
        Revocation.Finding f = Revocation.find(BOB, ISSUER, List.of(ocsp("SHA1")), List.of());
        assertEquals("the OCSP response on CN=Bob P-256,E=bob@hsmkit.test,O=hsmkit tests,C=DE uses SHA-1, not relied on for"
                + " signatures since 2014", f.weaknessMessage());
        Revocation.Finding c = Revocation.find(BOB, ISSUER, List.of(), List.of(crl("SHA1")));
        assertEquals("the CRL of CN=hsmkit Test Intermediate CA,O=hsmkit tests,C=DE uses SHA-1, not relied on for signatures since"
                + " 2014", c.weaknessMessage());
    }

    /** A weak CRL that lists the certificate does not outweigh a sound response that says it is good. */
    @Test
    void aWeakRevocationDoesNotOutweighASoundGoodStatus() {
        OCSPResp good = ocsp("SHA256");
        RESPONDERS.revoke(BOB);
        X509CRL weakRevoking = crl("SHA1");
        Revocation.Finding f = Revocation.find(BOB, ISSUER, List.of(good), List.of(weakRevoking));
        assertEquals(Revocation.Status.GOOD, f.status(), f.toString());
        assertEquals(Revocation.Status.REVOKED, Revocation.find(BOB, ISSUER, List.of(), List.of(weakRevoking)).status());
    }
}
