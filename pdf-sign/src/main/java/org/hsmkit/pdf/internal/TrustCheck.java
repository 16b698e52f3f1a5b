package org.hsmkit.pdf.internal;

import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
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

import org.bouncycastle.cert.ocsp.OCSPResp;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.internal.cms.AlgorithmPolicy;
import org.hsmkit.core.internal.cms.SignerVerification;
import org.hsmkit.pdf.SubIndication;

/**
 * Trust in a signer's (or a TSA's) certificate: a PKIX path at a given time to one of the trust
 * anchors, and what the revocation data embedded in the file says of that path. Revocation is
 * not fetched; when the file does not carry it, that is a warning, or INDETERMINATE/TRY_LATER
 * when revocation data is required.
 */
final class TrustCheck {
    private final List<X509Certificate> anchors;
    private final Set<X509Certificate> anchorSet;
    private final boolean requireRevocation;
    private final List<X509CRL> givenCrls;
    private final List<X509Certificate> intermediates;

    /**
     * @param givenCrls CRLs the verifier holds, consulted beside the document's own revocation data
     * @param intermediates CA certificates (not trusted) to build paths from beside the document's
     */
    TrustCheck(List<X509Certificate> anchors, List<X509Certificate> intermediates, boolean requireRevocation, List<X509CRL> givenCrls) {
        this.anchors = anchors;
        this.intermediates = List.copyOf(intermediates);
        this.anchorSet = new HashSet<>(anchors);
        this.requireRevocation = requireRevocation;
        this.givenCrls = List.copyOf(givenCrls);
    }

    List<X509Certificate> anchors() {
        return anchors;
    }

    boolean isAnchor(X509Certificate c) {
        return anchorSet.contains(c);
    }

    /** A revoked certificate of the path, revoked at or before the validation time. */
    private record Revoked(boolean signer, Instant at, String message) {
    }

    /**
     * A certificate of a path whose signature or key is weak ({@link AlgorithmPolicy}): judged once
     * the time-stamps that may prove the signature older are known, like the signature's own
     * weakness. Of several, the one whose algorithm stopped being relied on first.
     */
    record PathWeakness(AlgorithmPolicy.Weakness weakness, String message) {
    }

    /**
     * The outcome for one certificate at one time.
     *
     * @param weakRevocation revocation data it relies on whose signature is weak, judged once the
     *     time-stamps that may prove it older are known
     */
    record Trust(boolean trusted, SubIndication failure, String reason, String revocation, boolean revocationComplete,
            List<Revoked> revoked, List<Revocation.Finding> weakRevocation, PathWeakness pathWeakness) {
        /** What was revoked at or before the time checked; empty when nothing of the path was. */
        String revokedReason() {
            return String.join("; ", revoked.stream().map(Revoked::message).toList());
        }
    }

    /** Checks {@code leaf} at {@code at} with the certificates and revocation data at hand. */
    Trust check(X509Certificate leaf, Collection<X509Certificate> pool, List<OCSPResp> ocsps, List<X509CRL> documentCrls, Instant at) {
        List<X509CRL> crls = new ArrayList<>(documentCrls);
        crls.addAll(givenCrls);
        List<X509Certificate> all = new ArrayList<>(pool);
        all.addAll(intermediates);
        all.addAll(anchors);
        List<X509Certificate> chain = Certificates.chain(leaf, all, false);
        List<Revoked> revoked = new ArrayList<>();
        List<Revocation.Finding> weak = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            if (isAnchor(c) || Certificates.hasOcspNoCheck(c)) {
                continue;
            }
            Revocation.Finding f = Revocation.find(c, chain.get(i + 1), ocsps, crls);
            if (f == null) {
                missing.add(Certificates.commonName(c));
            } else {
                checked++;
                if (f.weakness() != null) {
                    weak.add(f);
                }
                if (f.status() == Revocation.Status.REVOKED && !f.revokedAt().isAfter(at)) {
                    revoked.add(new Revoked(i == 0, f.revokedAt(), "the certificate " + NameFormat.format(c.getSubjectX500Principal())
                            + " was revoked at " + f.revokedAt() + " (" + f.source() + ")"));
                }
            }
        }
        String data = (givenCrls.isEmpty() ? "embedded OCSP/CRL data for " : "embedded or given OCSP/CRL data for ") + checked
                + " certificate(s)";
        String revocation = !revoked.isEmpty() ? "REVOKED (" + data + ")"
                + (missing.isEmpty() ? "" : "; no embedded revocation data for " + String.join(", ", missing))
                : !missing.isEmpty() ? "no embedded revocation data for " + String.join(", ", missing)
                : checked == 0 ? "nothing to check"
                : "good: " + data + (weak.isEmpty() ? "" : " (for " + weak.size() + " signed with an algorithm no longer relied on)");
        boolean complete = missing.isEmpty();
        if (anchors.isEmpty()) {
            return new Trust(false, SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
                    "no trust anchors were given (pass --trust CAFILE or --trust-system)", revocation, complete, revoked, weak, null);
        }
        int cut = -1;
        for (int i = 0; i < chain.size(); i++) {
            if (isAnchor(chain.get(i))) {
                cut = i;
                break;
            }
        }
        List<X509Certificate> path;
        TrustAnchor ta;
        if (cut >= 0) {
            path = chain.subList(0, cut);
            ta = new TrustAnchor(chain.get(cut), null);
        } else {
            X509Certificate last = chain.get(chain.size() - 1);
            X509Certificate anchor = Certificates.findIssuer(last, anchors);
            if (anchor == null) {
                return new Trust(false, SubIndication.NO_CERTIFICATE_CHAIN_FOUND, "no path from " + Certificates.commonName(leaf)
                        + " to a trust anchor (the chain ends at " + NameFormat.format(last.getSubjectX500Principal()) + ")",
                        revocation, complete, revoked, weak, null);
            }
            path = chain;
            ta = new TrustAnchor(anchor, null);
        }
        if (path.isEmpty()) {
            return new Trust(true, null, "", revocation, complete, revoked, weak, null);
        }
        try {
            CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
            // 'at' is the time a trusted time-stamp proves, else now; the path's algorithms are judged
            // apart (weakest), once a later document time-stamp may have proved the signature older
            PKIXParameters params = SignerVerification.pathRulesWithoutAlgorithmPolicy(new PKIXParameters(Set.of(ta)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(cp, params);
            return new Trust(true, null, "", revocation, complete, revoked, weak, weakest(path));
        } catch (CertPathValidatorException e) {
            boolean outOfBounds = e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID;
            boolean usage = e.getReason() == PKIXReason.INVALID_KEY_USAGE;
            return new Trust(false, outOfBounds ? SubIndication.OUT_OF_BOUNDS_NO_POE
                    : usage ? SubIndication.CHAIN_CONSTRAINTS_FAILURE : SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE,
                    "the certificate path is not valid at " + at + ": " + e.getMessage(), revocation, complete, revoked, weak, null);
        } catch (Exception e) {
            return new Trust(false, SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE, "the certificate path is not valid at " + at
                    + ": " + e.getMessage(), revocation, complete, revoked, weak, null);
        }
    }

    /** The weakness of {@code path} (the anchor not in it) that stopped being relied on first, or null. */
    private static PathWeakness weakest(List<X509Certificate> path) {
        PathWeakness first = null;
        for (X509Certificate c : path) {
            AlgorithmPolicy.Weakness w = AlgorithmPolicy.ofCertificate(c).orElse(null);
            if (w != null && (first == null || w.until().isBefore(first.weakness().until()))) {
                first = new PathWeakness(w, "the certificate " + NameFormat.format(c.getSubjectX500Principal()) + " " + w.explained());
            }
        }
        return first;
    }

    /**
     * Applies a trust outcome to a signature. A revoked signer certificate is TOTAL-FAILED/REVOKED
     * when the signer claims (in the signed /M) to have signed at or after the revocation, else
     * INDETERMINATE/REVOKED_NO_POE; a revoked CA certificate is REVOKED_CA_NO_POE.
     */
    void apply(SignatureState sig, Trust t) {
        sig.trusted = t.trusted();
        sig.anchorsGiven = !anchors.isEmpty();
        sig.revocation = t.revocation();
        sig.revocationComplete = t.revocationComplete();
        sig.weakRevocation = t.weakRevocation();
        sig.pathWeakness = t.pathWeakness();
        if (!t.revocationComplete()) {
            if (requireRevocation) {
                sig.fail(SubIndication.TRY_LATER, "revocation status not established: " + t.revocation());
            } else {
                sig.warnings.add("revocation status not established offline: " + t.revocation() + " (extend to B-LT to embed it)");
            }
        }
        if (!t.trusted()) {
            sig.fail(t.failure(), "not trusted: " + t.reason());
        }
        for (Revoked r : t.revoked()) {
            SubIndication why = !r.signer() ? SubIndication.REVOKED_CA_NO_POE
                    : sig.claimed != null && !sig.claimed.isBefore(r.at()) ? SubIndication.REVOKED : SubIndication.REVOKED_NO_POE;
            sig.fail(why, r.message());
        }
    }
}
