package org.hsmkit.core.cms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataParser;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.operator.OperatorCreationException;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.cms.AlgorithmPolicy;
import org.hsmkit.core.internal.cms.Armor;
import org.hsmkit.core.internal.cms.ContentDigests;
import org.hsmkit.core.internal.cms.CrlRevocation;
import org.hsmkit.core.internal.cms.EnvelopeReader;
import org.hsmkit.core.internal.cms.RecipientKeys;
import org.hsmkit.core.internal.cms.SignerVerification;
import org.hsmkit.core.internal.cms.SingleStructure;

/**
 * Verifies CMS SignedData (detached or attached, DER or PEM) as a stream: every signer's signature
 * and message digest, the signer certificate's key usage and validity at the signing time, and a
 * PKIX path from the signer to one of the trust anchors at the signing time. Revocation is checked
 * against the CRLs the signature carries and those given with {@link #withCrls} (nothing is
 * fetched): a revoked certificate of the path fails; CRLs that do not cover the path leave it
 * unchecked, which each {@link Signer} says. Anything short of that throws; there is no "valid but
 * untrusted" success.
 */
public final class CmsVerifier {
    /** What to do about a signer without a path to an anchor; the verifying commands all say it. */
    public static final String UNTRUSTED_HINT = "check --trust: it must name the root (or an intermediate) CA of the signer;"
            + " an intermediate the signature does not carry can be given with --intermediate CERTFILE";

    private final Set<TrustAnchor> anchors;
    private final List<X509Certificate> intermediates;
    private final List<X509CRL> crls;
    private final boolean revocationRequired;

    private CmsVerifier(Set<TrustAnchor> anchors, List<X509Certificate> intermediates, List<X509CRL> crls, boolean revocationRequired) {
        this.anchors = anchors;
        this.intermediates = intermediates;
        this.crls = crls;
        this.revocationRequired = revocationRequired;
    }

    /** A verifier that trusts exactly these CA (or self-signed) certificates. */
    public static CmsVerifier trusting(Collection<X509Certificate> anchors) {
        Set<TrustAnchor> a = new HashSet<>();
        for (X509Certificate c : anchors) {
            a.add(new TrustAnchor(RecipientKeys.toBc(c), null));
        }
        return new CmsVerifier(a, List.of(), List.of(), false);
    }

    /**
     * The same verifier, also building signers' paths from these certificates: intermediate CAs a
     * signature does not carry. They are not trusted; a path must still end at an anchor.
     */
    public CmsVerifier withIntermediates(Collection<X509Certificate> certificates) {
        List<X509Certificate> all = new ArrayList<>(intermediates);
        certificates.forEach(c -> all.add(RecipientKeys.toBc(c)));
        return new CmsVerifier(anchors, List.copyOf(all), crls, revocationRequired);
    }

    /**
     * The same verifier, also checking signers' paths against these CRLs (for example the newest of
     * the signer's CA), beside those the signature carries.
     */
    public CmsVerifier withCrls(Collection<X509CRL> given) {
        List<X509CRL> all = new ArrayList<>(crls);
        all.addAll(given);
        return new CmsVerifier(anchors, intermediates, List.copyOf(all), revocationRequired);
    }

    /**
     * The same verifier, but a signer whose path the CRLs at hand do not cover fails (as with
     * {@code openssl cms -verify -crl_check_all}) instead of verifying with a note.
     */
    public CmsVerifier requiringRevocation() {
        return new CmsVerifier(anchors, intermediates, crls, true);
    }

    /**
     * One verified signer.
     *
     * @param revocationChecked whether CRLs covered every certificate of the path (none was revoked, or the verification failed)
     * @param revocationNotes why revocation was not checked, and CRLs that were not relied on
     */
    public record Signer(X509Certificate certificate, Instant signingTime, String algorithm, List<X509Certificate> path,
            boolean revocationChecked, List<String> revocationNotes) {
    }

    /**
     * Verifies {@code signature}; for a detached signature {@code content} is the signed file
     * (else null). For an attached signature the content is copied to {@code contentOut} when it
     * is not null — release it only if this method returns.
     *
     * @throws HsmkitException VERIFICATION_FAILED for a bad signature, digest, key usage or an
     *         untrusted signer; INPUT for damaged or non-signature input
     */
    public List<Signer> verify(InputStream signature, InputStream content, OutputStream contentOut) {
        try {
            Armor.Opened opened = Armor.open(signature);
            SingleStructure der = new SingleStructure(opened.der());
            // the JDK's digests (Bouncy Castle's only for one the JDK lacks)
            CMSSignedDataParser p = content != null
                    ? new CMSSignedDataParser(ContentDigests.provider(), new CMSTypedStream(content), der)
                    : new CMSSignedDataParser(ContentDigests.provider(), der);
            CMSTypedStream signed = p.getSignedContent();
            if (signed == null) {
                throw HsmkitException.input("the signature is detached and no content was given", "name the signed file with --content");
            }
            signed.getContentStream().transferTo(contentOut == null ? OutputStream.nullOutputStream() : contentOut);
            List<Signer> out = new ArrayList<>();
            Collection<SignerInformation> signers = p.getSignerInfos().getSigners();
            der.requireEnd();
            if (signers.isEmpty()) {
                throw HsmkitException.verification("the file has no signer", "it is not a signature");
            }
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> all = p.getCertificates().getMatches(null);
            List<X509Certificate> pool = new ArrayList<>();
            for (X509CertificateHolder h : all) {
                pool.add(Providers.certificate(h));
            }
            pool.addAll(intermediates);
            List<X509CRL> known = new ArrayList<>(crls);
            @SuppressWarnings("unchecked")
            Collection<X509CRLHolder> carried = p.getCRLs().getMatches(null);
            for (X509CRLHolder h : carried) {
                known.add(Providers.crl(h));
            }
            for (SignerInformation si : signers) {
                out.add(verifyOne(p, si, pool, known));
            }
            return out;
        } catch (HsmkitException e) {
            throw e;
        } catch (CMSException | OperatorCreationException | GeneralSecurityException | IOException | RuntimeException e) {
            throw EnvelopeReader.damaged(e);
        }
    }

    private Signer verifyOne(CMSSignedDataParser p, SignerInformation si, List<X509Certificate> pool, List<X509CRL> known)
            throws GeneralSecurityException, OperatorCreationException, CMSException {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = p.getCertificates().getMatches(si.getSID());
        if (matches.isEmpty()) {
            throw HsmkitException.verification("the signer's certificate is not in the file", "ask the signer to include it");
        }
        X509CertificateHolder holder = matches.iterator().next();
        X509Certificate cert = Providers.certificate(holder);
        Instant when = Instant.now();
        if (si.getSignedAttributes() != null && si.getSignedAttributes().get(CMSAttributes.signingTime) != null) {
            when = Time.getInstance(si.getSignedAttributes().get(CMSAttributes.signingTime).getAttrValues().getObjectAt(0))
                    .getDate().toInstant();
        }
        String subject = NameFormat.format(cert.getSubjectX500Principal());
        boolean ok;
        try {
            ok = SignerVerification.signatureValue(si, cert, holder) != SignerVerification.SignatureValue.INVALID;
        } catch (CMSException e) {
            throw HsmkitException.verification("the signature of " + subject + " does not verify: " + e.getMessage(),
                    "the content or the signature was altered");
        }
        if (!ok) {
            throw HsmkitException.verification("the signature of " + subject + " does not verify",
                    "the content or the signature was altered");
        }
        // a CMS signature carries no time-stamp: nothing proves it older than the algorithm's end
        java.util.Optional<AlgorithmPolicy.Weakness> weak = AlgorithmPolicy.ofSigner(si, cert.getPublicKey());
        if (weak.isPresent()) {
            throw HsmkitException.verification(weak.get().of(subject), weak.get().hint());
        }
        boolean[] ku = cert.getKeyUsage();
        if (ku != null && !ku[0] && !ku[1]) {
            throw HsmkitException.verification("the certificate of " + subject + " does not allow signing (key usage)",
                    "the signer used a key not meant for signatures");
        }
        if (anchors.isEmpty()) {
            throw HsmkitException.verification("the signature of " + subject + " is intact but the signer is untrusted: no trust anchors given",
                    "name the CA certificate you trust with --trust, or pass --trust-system");
        }
        List<X509Certificate> path;
        PKIXCertPathBuilderResult r;
        try {
            r = SignerVerification.path(anchors, cert, pool, Date.from(when));
            path = new ArrayList<>();
            r.getCertPath().getCertificates().forEach(c -> path.add((X509Certificate) c));
            path.add(r.getTrustAnchor().getTrustedCert());
        } catch (CertPathBuilderException e) {
            throw HsmkitException.verification("the signature of " + subject + " is intact but the signer is untrusted: "
                    + SignerVerification.reason(e), AlgorithmPolicy.WeakAlgorithm.among(e) ? AlgorithmPolicy.WeakAlgorithm.HINT : UNTRUSTED_HINT);
        }
        CrlRevocation.Outcome revocation = known.isEmpty()
                ? new CrlRevocation.Outcome(false, null, List.of("revocation not checked: no CRL was given (--crl) or carried, and hsmkit"
                        + " fetches none"))
                : CrlRevocation.check(r.getCertPath(), anchors, Instant.now(), known);
        if (revocation.revoked() != null) {
            throw HsmkitException.verification("the signature of " + subject + " is intact but a certificate of its path is revoked: "
                    + revocation.revoked(), "a revoked certificate's signatures are not relied on: ask the signer to sign again with a"
                    + " valid certificate");
        }
        if (revocationRequired && !revocation.checked()) {
            throw HsmkitException.verification("the signature of " + subject + " is intact but its revocation status is not established: "
                    + String.join("; ", revocation.notes()), "give the current CRL of every CA of the path with --crl");
        }
        return new Signer(cert, when, SignerVerification.algorithmName(si), path, revocation.checked(), revocation.notes());
    }
}
