package org.hsmkit.smime.internal;

import java.security.GeneralSecurityException;
import java.security.cert.CRLException;
import java.security.cert.CertPath;
import java.security.cert.X509CRL;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Store;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.cms.AlgorithmPolicy;
import org.hsmkit.core.internal.cms.CrlRevocation;
import org.hsmkit.core.internal.cms.SignerVerification;
import org.hsmkit.smime.SignatureReport;

/**
 * Checks every signature of a CMS SignedData: the mathematics, a PKIX path to the caller's trust
 * anchors, key usage and extended key usage, and the signer's address against the From header.
 */
public final class SignatureChecks {
    private static final String EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
    private static final String ANY_EKU = "2.5.29.37.0";
    static final String REVOCATION_NOTE = "revocation not checked: the message carries no CRL and hsmkit fetches no CRL or OCSP response for mail";

    private final Set<TrustAnchor> anchors;
    private final Instant validationTime;

    private final List<X509CRL> givenCrls;
    private final List<X509Certificate> intermediates;
    private boolean revocationRequired;

    public SignatureChecks(Collection<X509Certificate> trustAnchors, Instant validationTime) {
        this(trustAnchors, validationTime, List.of(), List.of());
    }

    /** From now on a signer whose path the CRLs do not cover is a problem, not a note. */
    public SignatureChecks requiringRevocation() {
        revocationRequired = true;
        return this;
    }

    /**
     * With CRLs the verifier holds (for example the newest of the signer's CA), used beside those in
     * the message, and intermediate CA certificates (untrusted) to build paths from beside those
     * the message carries.
     */
    public SignatureChecks(Collection<X509Certificate> trustAnchors, Instant validationTime, List<X509CRL> crls,
            List<X509Certificate> intermediates) {
        Set<TrustAnchor> a = new HashSet<>();
        for (X509Certificate c : trustAnchors) {
            a.add(new TrustAnchor(c, null));
        }
        this.anchors = a;
        this.validationTime = validationTime;
        this.givenCrls = List.copyOf(crls);
        this.intermediates = List.copyOf(intermediates);
    }

    /**
     * One report per SignerInfo.
     *
     * @throws HsmkitException INPUT when the SignedData's certificates or signer infos cannot be read
     */
    public List<SignatureReport> check(CMSSignedData signed, List<String> fromAddresses) {
        try {
            return checkAll(signed, fromAddresses);
        } catch (HsmkitException e) {
            throw e;
        } catch (RuntimeException e) {
            // Bouncy Castle parses certificates and signer infos lazily and reports a wrong
            // structure with unchecked exceptions (class casts, bad UTF-8 in names)
            throw HsmkitException.input("a signature of the message is malformed (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", "the message was damaged or altered; ask the sender to send it again", e);
        }
    }

    private List<SignatureReport> checkAll(CMSSignedData signed, List<String> fromAddresses) {
        List<SignatureReport> reports = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Store<X509CertificateHolder> store = signed.getCertificates();
        List<X509Certificate> carried = new ArrayList<>();
        for (X509CertificateHolder h : store.getMatches(null)) {
            try {
                carried.add(Providers.certificate(h));
            } catch (GeneralSecurityException e) {
                // an unreadable extra certificate cannot help any path; the signer's is checked below
            }
        }
        List<X509CRL> crls = new ArrayList<>(givenCrls);
        @SuppressWarnings("unchecked")
        Collection<X509CRLHolder> crlHolders = signed.getCRLs().getMatches(null);
        // made only for a message that carries CRLs: Bouncy Castle's provider takes half a second to set up
        JcaX509CRLConverter crlConverter = crlHolders.isEmpty() ? null : new JcaX509CRLConverter().setProvider(Providers.bc());
        for (X509CRLHolder h : crlHolders) {
            try {
                crls.add(crlConverter.getCRL(h));
            } catch (CRLException e) {
                // an unreadable CRL proves nothing; revocation is then reported as not checked
            }
        }
        for (SignerInformation signer : signed.getSignerInfos().getSigners()) {
            reports.add(check(signer, store, carried, crls, fromAddresses));
        }
        return reports;
    }

    private SignatureReport check(SignerInformation signer, Store<X509CertificateHolder> store, List<X509Certificate> carried,
            List<X509CRL> crls, List<String> fromAddresses) {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String algorithm = SignerVerification.algorithmName(signer);
        Optional<Instant> signingTime = signingTime(signer.getSignedAttributes());
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = store.getMatches(signer.getSID());
        if (matches.isEmpty()) {
            problems.add("the signer's certificate is not in the message");
            String issuer = signer.getSID().getIssuer() == null ? "an unknown issuer" : NameFormat.format(signer.getSID().getIssuer());
            return new SignatureReport(Optional.empty(), issuer, signingTime, algorithm,
                    false, false, false, List.of(), false, false, problems, notes);
        }
        X509CertificateHolder holder = matches.iterator().next();
        X509Certificate cert;
        try {
            cert = Providers.certificate(holder);
        } catch (GeneralSecurityException e) {
            problems.add("the signer's certificate cannot be read: " + e.getMessage());
            return new SignatureReport(Optional.empty(), NameFormat.format(holder.getSubject()), signingTime, algorithm,
                    false, false, false, List.of(), false, false, problems, notes);
        }
        String name = NameFormat.format(holder.getSubject());

        boolean signatureValid;
        try {
            SignerVerification.SignatureValue value = SignerVerification.signatureValue(signer, cert, holder);
            signatureValid = value != SignerVerification.SignatureValue.INVALID;
            java.util.Optional<AlgorithmPolicy.Weakness> weak = AlgorithmPolicy.ofSigner(signer, cert.getPublicKey());
            if (!signatureValid) {
                problems.add("the signature does not match the content (tampered or corrupted)");
            } else if (weak.isPresent()) {
                // a message carries no time-stamp: nothing proves it older than the algorithm's end
                problems.add(weak.get().of(name) + "; " + weak.get().hint());
            } else if (value == SignerVerification.SignatureValue.VALID_AS_WRITTEN) {
                notes.add("the signed attributes are not DER-encoded (their set is not sorted); the signature verifies over"
                        + " them as the signer wrote them, as openssl and gpgsm check it");
            }
        } catch (CMSException | OperatorCreationException | CertificateException | RuntimeException e) {
            signatureValid = false;
            problems.add("the signature does not match the content (tampered or corrupted): " + e.getMessage());
        }

        CertPath path = buildPath(cert, carried, problems);
        boolean pathValid = path != null;
        boolean revocationChecked = false;
        if (path != null && !crls.isEmpty()) {
            revocationChecked = checkRevocation(path, crls, problems, notes);
            pathValid = problems.stream().noneMatch(p -> p.contains("revoked"));
        } else {
            notes.add(REVOCATION_NOTE);
        }
        if (revocationRequired && path != null && pathValid && !revocationChecked) {
            pathValid = false;
            problems.add("the revocation status of the signer's path is not established (required): give the current CRL of every"
                    + " CA of the path with --crl");
        }
        boolean usageValid = checkUsage(cert, problems);

        List<String> emails = emails(cert);
        boolean fromMatches = false;
        if (fromAddresses.isEmpty()) {
            problems.add("the message has no From address to compare with the signer's");
        } else {
            for (String from : fromAddresses) {
                if (emails.contains(from.toLowerCase(Locale.ROOT))) {
                    fromMatches = true;
                }
            }
            if (!fromMatches) {
                problems.add("From " + String.join(", ", fromAddresses) + " does not match the signer's address"
                        + (emails.isEmpty() ? " (the certificate names none)" : " " + String.join(", ", emails)));
            }
        }
        return new SignatureReport(Optional.of(cert), name, signingTime, algorithm, signatureValid, pathValid, usageValid,
                emails, fromMatches, revocationChecked, problems, notes);
    }

    /** A path from the certificate to an anchor (revocation not considered), or null with the reason in problems. */
    private CertPath buildPath(X509Certificate cert, List<X509Certificate> carried, List<String> problems) {
        if (anchors.isEmpty()) {
            problems.add("no trust anchors given: the signer cannot be trusted");
            return null;
        }
        try {
            List<X509Certificate> pool = new ArrayList<>(carried);
            pool.add(cert);
            pool.addAll(intermediates);
            return SignerVerification.path(anchors, cert, pool, Date.from(validationTime)).getCertPath();
        } catch (CertPathBuilderException e) {
            problems.add("no valid certificate path to a trust anchor: " + SignerVerification.reason(e));
            return null;
        } catch (GeneralSecurityException e) {
            problems.add("certificate path validation failed: " + e.getMessage());
            return null;
        }
    }

    /**
     * Checks the path against the CRLs the message carries and those given (nothing is fetched).
     * True when they cover every certificate of the path and none is revoked ({@link CrlRevocation}).
     */
    private boolean checkRevocation(CertPath path, List<X509CRL> crls, List<String> problems, List<String> notes) {
        CrlRevocation.Outcome o = CrlRevocation.check(path, anchors, validationTime, crls);
        notes.addAll(o.notes());
        if (o.revoked() != null) {
            problems.add("a certificate of the signer's path is revoked: " + o.revoked());
        } else if (o.checked()) {
            notes.add(givenCrls.isEmpty() ? "revocation checked against the CRLs carried in the message (nothing fetched)"
                    : "revocation checked against the CRLs given and those carried in the message (nothing fetched)");
        }
        return o.checked();
    }

    private static boolean checkUsage(X509Certificate cert, List<String> problems) {
        boolean ok = true;
        boolean[] ku = cert.getKeyUsage();
        if (ku != null && !(ku[0] || (ku.length > 1 && ku[1]))) {
            problems.add("the certificate's key usage allows neither digitalSignature nor nonRepudiation");
            ok = false;
        }
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku != null && !eku.contains(EMAIL_PROTECTION) && !eku.contains(ANY_EKU)) {
                problems.add("the certificate's extended key usage does not include emailProtection");
                ok = false;
            }
        } catch (CertificateParsingException e) {
            problems.add("the certificate's extended key usage cannot be read");
            ok = false;
        }
        return ok;
    }

    /** The e-mail addresses a certificate names, lower case. */
    public static List<String> emails(X509Certificate cert) {
        Set<String> out = new LinkedHashSet<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(1).equals(san.get(0)) && san.get(1) instanceof String s) {
                        out.add(s.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall back to the subject's E= attribute below
        }
        X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(PKCSObjectIdentifiers.pkcs_9_at_emailAddress)) {
            ASN1Encodable v = rdn.getFirst().getValue();
            if (v instanceof ASN1String s) {
                out.add(s.getString().toLowerCase(Locale.ROOT));
            }
        }
        return new ArrayList<>(out);
    }

    private static Optional<Instant> signingTime(AttributeTable attributes) {
        if (attributes == null) {
            return Optional.empty();
        }
        Attribute a = attributes.get(CMSAttributes.signingTime);
        if (a == null || a.getAttrValues().size() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(Time.getInstance(a.getAttrValues().getObjectAt(0)).getDate().toInstant());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
