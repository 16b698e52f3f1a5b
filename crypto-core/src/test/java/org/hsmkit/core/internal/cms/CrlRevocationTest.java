package org.hsmkit.core.internal.cms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPath;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * A path checked against the CRLs at hand: checked, revoked, not covered, weakly signed CRLs, and
 * a certificate that has expired since (no CRL of now speaks for it), each saying so.
 */
class CrlRevocationTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final KeyPair ROOT_KEYS = rsa();
    private static final X500Name ROOT_NAME = new X500Name("CN=CRL test root");
    private static final X509Certificate ROOT = cert(ROOT_NAME, ROOT_KEYS, true, NOW.minus(10, ChronoUnit.DAYS), NOW.plus(10, ChronoUnit.DAYS));

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate cert(X500Name subject, KeyPair keys, boolean ca, Instant from, Instant to) {
        try {
            return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(ROOT_NAME,
                    BigInteger.valueOf(System.nanoTime()), Date.from(from), Date.from(to), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature))
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(ROOT_KEYS.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509CRL crl(String algorithm, BigInteger... revoked) throws Exception {
        X509v2CRLBuilder b = new X509v2CRLBuilder(ROOT_NAME, Date.from(NOW.minus(1, ChronoUnit.HOURS)));
        b.setNextUpdate(Date.from(NOW.plus(1, ChronoUnit.DAYS)));
        for (BigInteger serial : revoked) {
            b.addCRLEntry(serial, Date.from(NOW.minus(2, ChronoUnit.HOURS)), CRLReason.keyCompromise);
        }
        return new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder(algorithm).build(ROOT_KEYS.getPrivate())));
    }

    private static CrlRevocation.Outcome check(X509Certificate leaf, X509CRL... crls) throws Exception {
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf));
        return CrlRevocation.check(path, Set.of(new TrustAnchor(ROOT, null)), NOW, List.of(crls));
    }

    private static X509Certificate current() {
        return cert(new X500Name("CN=signer"), rsa(), false, NOW.minus(1, ChronoUnit.DAYS), NOW.plus(1, ChronoUnit.DAYS));
    }

    @Test
    void aCoveredPathIsChecked() throws Exception {
        CrlRevocation.Outcome o = check(current(), crl("SHA256withRSA"));
        assertTrue(o.checked(), o.toString());
        assertNull(o.revoked());
        assertEquals(List.of(), o.notes());
    }

    @Test
    void aListedCertificateIsRevokedAlsoByAWeakCrl() throws Exception {
        X509Certificate leaf = current();
        for (String algorithm : new String[] {"SHA256withRSA", "SHA1withRSA"}) {
            CrlRevocation.Outcome o = check(leaf, crl(algorithm, leaf.getSerialNumber()));
            assertFalse(o.checked(), algorithm);
            assertTrue(o.revoked() != null && o.revoked().contains("revoked"), algorithm + ": " + o);
        }
    }

    @Test
    void aWeakCrlShowsNothingGood() throws Exception {
        CrlRevocation.Outcome o = check(current(), crl("SHA1withRSA"));
        assertFalse(o.checked(), o.toString());
        assertEquals("the CRL of CN=CRL test root uses SHA-1, not relied on for signatures since 2014 (NIST SP 800-131A): it shows no"
                + " certificate good", o.notes().get(0));
        assertTrue(o.notes().get(1).startsWith("revocation not checked: the CRLs relied on do not cover the signer's path"), o.notes().get(1));
    }

    @Test
    void aCertificateExpiredSinceIsNotCheckedAndSaysWhy() throws Exception {
        X509Certificate expired = cert(new X500Name("CN=old signer"), rsa(), false, NOW.minus(5, ChronoUnit.DAYS), NOW.minus(2, ChronoUnit.DAYS));
        CrlRevocation.Outcome o = check(expired, crl("SHA256withRSA"));
        assertFalse(o.checked(), o.toString());
        assertTrue(o.notes().get(0).startsWith("revocation not checked: a certificate of the signer's path is not valid at " + NOW),
                o.notes().toString());
    }
}
