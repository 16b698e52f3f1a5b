package org.hsmkit.smime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;

/** Revocation is checked only against CRLs the message carries, and the report says which way it went. */
class SmimeRevocationTest {

    private static X509CRL crl(TestPki.Credential issuer, BigInteger... revoked) throws Exception {
        return crl("SHA256withRSA", issuer, revoked);
    }

    private static X509CRL crl(String algorithm, TestPki.Credential issuer, BigInteger... revoked) throws Exception {
        Instant now = Instant.now();
        X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()),
                Date.from(now.minus(1, ChronoUnit.HOURS)));
        b.setNextUpdate(Date.from(now.plus(1, ChronoUnit.DAYS)));
        for (BigInteger serial : revoked) {
            b.addCRLEntry(serial, Date.from(now.minus(1, ChronoUnit.HOURS)), CRLReason.keyCompromise);
        }
        return new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder(algorithm).build(issuer.privateKey())));
    }

    private static SignatureReport signedWith(List<X509CRL> crls) {
        byte[] wire = TestMails.bytes(SmimeSigner.builder(TestMails.key(TestUser.ALICE_RSA2048)).crls(crls).build()
                .sign(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "revocation\n")));
        return SmimeReader.builder().trustAnchors(TestMails.anchors()).build().read(TestMails.parse(wire)).signatures().get(0);
    }

    @Test
    void withoutCrlsRevocationIsReportedAsNotChecked() {
        SignatureReport s = signedWith(List.of());
        assertTrue(s.valid());
        assertFalse(s.revocationChecked());
        assertTrue(s.notes().stream().anyMatch(n -> n.contains("revocation not checked")), s.notes().toString());
    }

    /** With revocation required, a path the CRLs do not cover makes the signature invalid, and says why. */
    @Test
    void requiredRevocationThatTheCrlsDoNotCoverIsAProblem() throws Exception {
        byte[] wire = TestMails.bytes(SmimeSigner.builder(TestMails.key(TestUser.ALICE_RSA2048)).crls(List.of(crl(TestMails.pki().intermediate())))
                .build().sign(TestMails.text(TestUser.ALICE_RSA2048, TestUser.BOB_P256, "revocation\n")));
        SignatureReport s = SmimeReader.builder().trustAnchors(TestMails.anchors()).requireRevocation().build().read(TestMails.parse(wire))
                .signatures().get(0);
        assertFalse(s.valid(), s.toString());
        assertFalse(s.pathValid());
        assertTrue(s.problems().contains("the revocation status of the signer's path is not established (required): give the current"
                + " CRL of every CA of the path with --crl"), s.problems().toString());
        SignatureReport covered = SmimeReader.builder().trustAnchors(TestMails.anchors()).requireRevocation()
                .crls(List.of(crl(TestMails.pki().root()))).build().read(TestMails.parse(wire)).signatures().get(0);
        assertTrue(covered.valid(), covered.problems().toString());
    }

    @Test
    void carriedCrlsCoveringThePathAreChecked() throws Exception {
        TestPki pki = TestMails.pki();
        SignatureReport s = signedWith(List.of(crl(pki.intermediate()), crl(pki.root())));
        assertTrue(s.valid(), s.problems().toString());
        assertTrue(s.revocationChecked(), s.notes().toString());
    }

    @Test
    void revokedSignerFails() throws Exception {
        TestPki pki = TestMails.pki();
        SignatureReport s = signedWith(List.of(crl(pki.intermediate(), TestMails.cert(TestUser.ALICE_RSA2048).getSerialNumber()), crl(pki.root())));
        assertFalse(s.valid());
        assertFalse(s.pathValid());
        assertTrue(s.problems().stream().anyMatch(p -> p.contains("revoked")), s.problems().toString());
    }

    @Test
    void partialCrlsLeaveRevocationUnchecked() throws Exception {
        SignatureReport s = signedWith(List.of(crl(TestMails.pki().intermediate())));
        assertTrue(s.valid(), s.problems().toString());
        assertFalse(s.revocationChecked());
        assertTrue(s.notes().stream().anyMatch(n -> n.contains("do not cover")), s.notes().toString());
    }
    /** A CRL signed with SHA-1 could be forged to say "good": it leaves revocation unchecked, and says why. */
    @Test
    void aCrlSignedWithSha1ShowsNoCertificateGood() throws Exception {
        TestPki pki = TestMails.pki();
        SignatureReport s = signedWith(List.of(crl("SHA1withRSA", pki.intermediate()), crl(pki.root())));
        assertTrue(s.valid(), s.problems().toString());
        assertFalse(s.revocationChecked(), s.notes().toString());
        assertTrue(s.notes().contains("the CRL of CN=hsmkit Test Intermediate CA,O=hsmkit tests,C=DE uses SHA-1, not relied on for"
                + " signatures since 2014 (NIST SP 800-131A): it shows no certificate good"), s.notes().toString());
        assertTrue(s.notes().stream().anyMatch(n -> n.startsWith("revocation not checked: the CRLs relied on do not cover")),
                s.notes().toString());
    }

    /** ... but a revocation it lists is not ignored: a real CA may still sign its CRLs so. */
    @Test
    void aRevocationInACrlSignedWithSha1StillCounts() throws Exception {
        TestPki pki = TestMails.pki();
        SignatureReport s = signedWith(List.of(crl("SHA1withRSA", pki.intermediate(),
                TestMails.cert(TestUser.ALICE_RSA2048).getSerialNumber()), crl(pki.root())));
        assertFalse(s.valid());
        assertTrue(s.problems().stream().anyMatch(p -> p.contains("revoked")), s.problems().toString());
    }
}
