package org.hsmkit.testdata;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.PolicyQualifierInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A root, a CA that marks its certificate policies critical with a CPS pointer among them (as a
 * Slovak qualified CA of 2011 in the PDF corpus does), and a signer under that policy; RSA-2048,
 * valid from yesterday to tomorrow. The JDK's path validator refuses such a path by default
 * ("critical policy qualifiers present"); openssl, NSS and Windows accept it.
 */
public record CriticalPolicyChain(X509Certificate root, X509Certificate ca, X509Certificate signer, PrivateKey signerKey) {

    /** A new chain (fresh keys). */
    public static CriticalPolicyChain create() throws GeneralSecurityException, CertIOException, OperatorCreationException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair rootKeys = g.generateKeyPair();
        KeyPair caKeys = g.generateKeyPair();
        KeyPair signerKeys = g.generateKeyPair();
        Date from = Date.from(Instant.now().minus(1, ChronoUnit.DAYS));
        Date to = Date.from(Instant.now().plus(1, ChronoUnit.DAYS));
        X500Name rootName = new X500Name("CN=policy root");
        X500Name caName = new X500Name("CN=policy CA");
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        X509Certificate root = converter.getCertificate(new JcaX509v3CertificateBuilder(rootName, BigInteger.ONE, from, to, rootName,
                rootKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(rootKeys.getPrivate())));
        ASN1ObjectIdentifier policy = new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1.2");
        PolicyInformation withCps = new PolicyInformation(policy, new DERSequence(new PolicyQualifierInfo("http://ca.example.test/cps.pdf")));
        X509Certificate ca = converter.getCertificate(new JcaX509v3CertificateBuilder(rootName, BigInteger.TWO, from, to, caName,
                caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign))
                .addExtension(Extension.certificatePolicies, true, new CertificatePolicies(withCps))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(rootKeys.getPrivate())));
        X509Certificate signer = converter.getCertificate(new JcaX509v3CertificateBuilder(caName, BigInteger.TEN, from, to,
                new X500Name("CN=policy signer"), signerKeys.getPublic())
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation))
                .addExtension(Extension.certificatePolicies, false, new CertificatePolicies(new PolicyInformation(policy)))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
        return new CriticalPolicyChain(root, ca, signer, signerKeys.getPrivate());
    }

    /** The signer's chain, signer first. */
    public List<X509Certificate> chain() {
        return List.of(signer, ca);
    }
}
