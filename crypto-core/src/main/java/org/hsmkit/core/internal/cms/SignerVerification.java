package org.hsmkit.core.internal.cms;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.internal.Providers;

/**
 * The JDK's half of checking a CMS signer: its signature (RSA signers) and a PKIX path to the
 * anchors. Setting up Bouncy Castle's provider took half of a one-file {@code verify} (most of it
 * checking every named elliptic curve the provider registers), and the JDK checks RSA signatures
 * and RSA paths itself. What the JDK does not accept — an algorithm or curve it lacks, RSA-PSS under
 * Bouncy Castle's names, a wrong signature, no path — the caller hands to Bouncy Castle as before,
 * whose verdict and reason then stand; so a signature or path is accepted when either accepts it.
 */
public final class SignerVerification {
    private SignerVerification() {
    }

    /** How a signer's signature value checked out. */
    public enum SignatureValue {
        /** Valid over the DER encoding of the signed attributes (RFC 5652). */
        VALID,
        /** Valid only over the signed attributes as the signer wrote them, not in DER order. */
        VALID_AS_WRITTEN,
        /** Not valid. */
        INVALID
    }

    /**
     * Checks the signature value of {@code signer} (its content digest included): the JDK for RSA,
     * else Bouncy Castle; when neither accepts it and the signer wrote its signed attributes in
     * another order than DER's, once more over the attributes as written ({@link
     * SignedAttributesAsWritten}), as openssl and gpgsm check them.
     *
     * @throws CMSException from Bouncy Castle, e.g. when the content digest does not match
     */
    public static SignatureValue signatureValue(SignerInformation signer, X509Certificate cert, X509CertificateHolder holder)
            throws CMSException, OperatorCreationException, CertificateException {
        if (verifies(signer, cert, holder)) {
            return SignatureValue.VALID;
        }
        SignerInformation asWritten = SignedAttributesAsWritten.of(signer);
        if (asWritten != null && verifies(asWritten, cert, holder)) {
            return SignatureValue.VALID_AS_WRITTEN;
        }
        return SignatureValue.INVALID;
    }

    private static boolean verifies(SignerInformation signer, X509Certificate cert, X509CertificateHolder holder)
            throws CMSException, OperatorCreationException, CertificateException {
        // Bouncy Castle decides whatever the JDK did not accept: an algorithm or curve it lacks, an
        // encoding it is stricter about, or a signature that is wrong (then both say no)
        return jdkVerifies(signer, cert)
                || signer.verify(new JcaSignerInfoVerifierBuilder(ContentDigests.provider()).setProvider(Providers.bc()).build(holder));
    }

    /**
     * The signer's signature algorithm as every report writes it: {@code SHA256withRSA},
     * {@code SHA256withECDSA}, {@code SHA256withRSAandMGF1}; the OID when Bouncy Castle has no name.
     */
    public static String algorithmName(SignerInformation signer) {
        try {
            return new DefaultCMSSignatureAlgorithmNameGenerator().getSignatureName(
                    signer.getDigestAlgorithmID(), signer.toASN1Structure().getDigestEncryptionAlgorithm());
        } catch (RuntimeException e) {
            return signer.getEncryptionAlgOID();
        }
    }

    /** True when the JDK verifies the signature of an RSA signer; false otherwise, for any reason. */
    public static boolean jdkVerifies(SignerInformation signer, X509Certificate cert) {
        if (!(cert.getPublicKey() instanceof RSAPublicKey)) {
            return false;
        }
        try {
            return signer.verify(new JcaSignerInfoVerifierBuilder(ContentDigests.provider()).build(cert));
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A PKIX path (revocation not checked) from {@code cert} to one of {@code anchors} at {@code at},
     * from the JDK's builder, else from Bouncy Castle's, whose exception is the one thrown. The JDK's
     * builder accepts a certificate that is itself an anchor with an empty path and checks nothing;
     * Bouncy Castle accepts that only for a self-signed certificate, as the one-certificate path it
     * validates against the anchor (an anchor must otherwise be a CA above the signer). So that
     * case is validated the same way by the JDK's validator, and refusals go to Bouncy Castle.
     */
    public static PKIXCertPathBuilderResult path(Set<TrustAnchor> anchors, X509Certificate cert, Collection<X509Certificate> pool, Date at)
            throws GeneralSecurityException {
        PKIXCertPathBuilderResult r = null;
        try {
            r = build(anchors, cert, pool, at, null, true);
        } catch (GeneralSecurityException | RuntimeException jdkRefused) {
            // Bouncy Castle decides below
        }
        if (r != null && r.getCertPath().getCertificates().isEmpty()) {
            r = alone(anchors, cert, at);
        }
        if (r == null) {
            try {
                r = build(anchors, cert, pool, at, Providers.bc(), true);
            } catch (CertPathBuilderException refused) {
                throw weakPath(anchors, cert, pool, at).orElse(refused);
            }
        }
        return r;
    }

    /**
     * When a path exists but {@link AlgorithmPolicy} refuses a certificate of it, a refusal that
     * names that certificate and why. Bouncy Castle's builder reports only that it found no issuer.
     */
    private static Optional<CertPathBuilderException> weakPath(Set<TrustAnchor> anchors, X509Certificate cert,
            Collection<X509Certificate> pool, Date at) {
        PKIXCertPathBuilderResult r;
        try {
            r = build(anchors, cert, pool, at, Providers.bc(), false);
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
        for (Certificate c : r.getCertPath().getCertificates()) {
            X509Certificate x = (X509Certificate) c;
            Optional<AlgorithmPolicy.Weakness> w = AlgorithmPolicy.ofCertificate(x);
            if (w.isPresent()) {
                String why = "the certificate " + NameFormat.format(x.getSubjectX500Principal()) + " " + w.get().explained();
                return Optional.of(new CertPathBuilderException(why, new AlgorithmPolicy.WeakAlgorithm(why)));
            }
        }
        return Optional.empty();
    }

    /**
     * {@code params} with hsmkit's path rules, for every path validation (CMS, S/MIME, PDF):
     * <ul>
     * <li>a critical certificate-policies extension may carry policy qualifiers (a CPS pointer, a
     * user notice). The JDK refuses such paths by default; RFC 5280 leaves qualifiers to the
     * application, and openssl, NSS and Windows accept them (a Slovak qualified CA of 2011 in the
     * PDF corpus issues such certificates);</li>
     * <li>a certificate's signature must be a whole number of bytes. The JDK accepts a signature
     * BIT STRING that declares unused bits when they are zero, so the same signed certificate
     * could come in several encodings (found by fuzzing: a corpus certificate with one byte
     * changed verified as itself); openssl refuses it;</li>
     * <li>no certificate of the path may be signed with MD5 or SHA-1 or have a short key
     * ({@link AlgorithmPolicy}). Bouncy Castle's builder, which decides what the JDK's refuses,
     * would otherwise accept even an MD5 signature.</li>
     * </ul>
     */
    public static <P extends PKIXParameters> P pathRules(P params) {
        return pathRules(params, null);
    }

    /**
     * {@link #pathRules(PKIXParameters)}, and {@link AlgorithmPolicy}'s judgement of every
     * certificate of the path with {@code proven} as the time a time-stamp proves (null: none).
     */
    public static <P extends PKIXParameters> P pathRules(P params, Instant proven) {
        formRules(params).addCertPathChecker(AlgorithmPolicy.pathChecker(proven));
        return params;
    }

    /**
     * {@link #pathRules(PKIXParameters)} without {@link AlgorithmPolicy}'s judgement, for a caller
     * that judges the path's algorithms itself, at a time it learns later.
     */
    public static <P extends PKIXParameters> P pathRulesWithoutAlgorithmPolicy(P params) {
        return formRules(params);
    }

    /** The rules without the algorithm policy's. */
    private static <P extends PKIXParameters> P formRules(P params) {
        params.setPolicyQualifiersRejected(false);
        params.addCertPathChecker(new WholeByteSignatures());
        return params;
    }

    /**
     * Why a path was refused: the innermost cause's message (Bouncy Castle's builder wraps the
     * reason, such as an expiry or a check of {@link #pathRules}, in "Certification path could not
     * be validated").
     */
    public static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : e.getMessage();
    }

    /** Refuses a certificate whose signature BIT STRING declares unused bits. */
    private static final class WholeByteSignatures extends PerCertificateChecker {
        @Override
        void check(X509Certificate cert) throws CertPathValidatorException {
            int padBits;
            try {
                padBits = org.bouncycastle.asn1.x509.Certificate.getInstance(cert.getEncoded()).getSignature().getPadBits();
            } catch (CertificateEncodingException | RuntimeException e) {
                throw new CertPathValidatorException("a certificate of the path cannot be read: " + e.getMessage(), e);
            }
            if (padBits != 0) {
                throw new CertPathValidatorException("the certificate " + NameFormat.format(cert.getSubjectX500Principal())
                        + " is malformed: its signature declares " + padBits + " unused bit(s)");
            }
        }
    }

    /** The path of {@code cert} alone, as the JDK's validator checks it against the anchors; null if it refuses. */
    private static PKIXCertPathBuilderResult alone(Set<TrustAnchor> anchors, X509Certificate cert, Date at) {
        try {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert));
            PKIXParameters params = pathRules(new PKIXParameters(anchors));
            params.setRevocationEnabled(false);
            params.setDate(at);
            PKIXCertPathValidatorResult v = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(path, params);
            return new PKIXCertPathBuilderResult(path, v.getTrustAnchor(), v.getPolicyTree(), v.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static PKIXCertPathBuilderResult build(Set<TrustAnchor> anchors, X509Certificate cert, Collection<X509Certificate> pool,
            Date at, Provider provider, boolean judgeAlgorithms) throws GeneralSecurityException {
        X509CertSelector target = new X509CertSelector();
        target.setCertificate(cert);
        PKIXBuilderParameters params = judgeAlgorithms ? pathRules(new PKIXBuilderParameters(anchors, target))
                : formRules(new PKIXBuilderParameters(anchors, target));
        params.setRevocationEnabled(false);
        params.setDate(at);
        CollectionCertStoreParameters certs = new CollectionCertStoreParameters(pool);
        params.addCertStore(provider == null ? CertStore.getInstance("Collection", certs) : CertStore.getInstance("Collection", certs, provider));
        CertPathBuilder builder = provider == null ? CertPathBuilder.getInstance("PKIX") : CertPathBuilder.getInstance("PKIX", provider);
        return (PKIXCertPathBuilderResult) builder.build(params);
    }
}
