package org.hsmkit.core.internal.cms;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.hsmkit.core.NameFormat;

/**
 * A certificate path checked against CRLs at hand (nothing is fetched), for CMS and S/MIME
 * verification. A CRL signed with a weak algorithm ({@link AlgorithmPolicy}) could be forged to
 * say "good", so it never makes the path checked; a revocation it lists still counts, as a real
 * one must never be ignored.
 */
public final class CrlRevocation {
    private CrlRevocation() {
    }

    /**
     * The outcome.
     *
     * @param checked the CRLs cover every certificate of the path and none is revoked
     * @param revoked why a certificate of the path is revoked, or null
     * @param notes what the verifier should know: CRLs not relied on, or why the path is not covered
     */
    public record Outcome(boolean checked, String revoked, List<String> notes) {
    }

    /** Checks {@code path} (without its anchor) at {@code at} against {@code crls}. */
    public static Outcome check(CertPath path, Set<TrustAnchor> anchors, Instant at, List<X509CRL> crls) {
        List<String> notes = new ArrayList<>();
        List<X509CRL> sound = new ArrayList<>();
        for (X509CRL crl : crls) {
            Optional<AlgorithmPolicy.Weakness> weak = AlgorithmPolicy.ofSignature(crl.getSigAlgOID(), crl.getSigAlgParams(), null);
            if (weak.isPresent()) {
                notes.add("the CRL of " + NameFormat.format(crl.getIssuerX500Principal()) + " " + weak.get().explained()
                        + ": it shows no certificate good");
            } else {
                sound.add(crl);
            }
        }
        try {
            CertPathValidatorException e = failure(path, anchors, at, crls);
            if (e != null && e.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
                return new Outcome(false, e.getMessage(), List.copyOf(notes));
            }
            e = sound.size() == crls.size() ? e : failure(path, anchors, at, sound);
            if (e == null) {
                return new Outcome(true, null, List.copyOf(notes));
            }
            boolean outOfDate = e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID;
            notes.add(outOfDate ? "revocation not checked: a certificate of the signer's path is not valid at " + at + " ("
                    + e.getMessage() + "), and a CRL of that time does not speak for it"
                    : "revocation not checked: the CRLs " + (sound.size() == crls.size() ? "" : "relied on ")
                    + "do not cover the signer's path (" + e.getMessage() + "); hsmkit fetches none");
        } catch (GeneralSecurityException e) {
            notes.add("revocation not checked: " + e.getMessage());
        }
        return new Outcome(false, null, List.copyOf(notes));
    }

    /** Why the path fails against {@code crls} alone (revoked, or not covered), or null when it passes. */
    private static CertPathValidatorException failure(CertPath path, Set<TrustAnchor> anchors, Instant at, List<X509CRL> crls)
            throws GeneralSecurityException {
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
        checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
        PKIXParameters params = SignerVerification.pathRules(new PKIXParameters(anchors));
        params.setDate(Date.from(at));
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        params.addCertPathChecker(checker);
        try {
            validator.validate(path, params);
            return null;
        } catch (CertPathValidatorException e) {
            return e;
        }
    }
}
