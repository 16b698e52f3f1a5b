package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.cert.ocsp.OCSPResp;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.pdf.ValidationDataSources;

/**
 * Gathers what a B-LT /DSS needs for a set of certificates: every certificate of their chains and,
 * for each certificate that is not a trust root and not marked ocsp-nocheck, one OCSP response or
 * CRL showing it good. Files come first, then (when allowed) the URLs in the certificates.
 * A revoked certificate or a certificate nothing speaks for stops the operation.
 */
public final class ValidationDataCollector {
    private final ValidationDataSources sources;
    private final List<OCSPResp> fileOcsps = new ArrayList<>();
    private final List<X509CRL> fileCrls = new ArrayList<>();
    private final Map<String, byte[]> fetchedCrls = new java.util.HashMap<>();
    private final List<String> warnings = new ArrayList<>();

    /** The collected material, in DER. */
    public record Material(Set<X509Certificate> certificates, Map<String, byte[]> ocsps, Map<String, byte[]> crls) {
    }

    public ValidationDataCollector(ValidationDataSources sources) {
        this.sources = sources;
        for (Path p : sources.ocspFiles()) {
            fileOcsps.add(Revocation.parseOcsp(read(p)));
        }
        for (Path p : sources.crlFiles()) {
            fileCrls.add(Revocation.parseCrl(read(p)));
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * Collects for the chains of {@code leaves}.
     *
     * @param pool certificates known already (from the CMS, the time-stamps, an existing DSS)
     * @param known OCSP responses and CRLs already in the document, reused when they speak for a certificate
     */
    public Material collect(Collection<X509Certificate> leaves, Collection<X509Certificate> pool,
            Collection<OCSPResp> knownOcsps, Collection<X509CRL> knownCrls) {
        Set<X509Certificate> certs = new LinkedHashSet<>();
        Map<String, byte[]> ocsps = new LinkedHashMap<>();
        Map<String, byte[]> crls = new LinkedHashMap<>();
        Set<X509Certificate> allPool = new LinkedHashSet<>(pool);
        List<X509Certificate> todo = new ArrayList<>(leaves);
        Set<X509Certificate> done = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            X509Certificate leaf = todo.remove(0);
            List<X509Certificate> chain = Certificates.chain(leaf, allPool, sources.online());
            allPool.addAll(chain);
            for (int i = 0; i < chain.size(); i++) {
                X509Certificate c = chain.get(i);
                certs.add(c);
                if (!done.add(c) || Certificates.isSelfSigned(c) || Certificates.hasOcspNoCheck(c)) {
                    continue;
                }
                if (i + 1 >= chain.size()) {
                    throw HsmkitException.input("cannot find the issuer of " + NameFormat.format(c.getSubjectX500Principal()),
                            "give the chain with the key, or allow fetching from the AIA URL");
                }
                X509Certificate issuer = chain.get(i + 1);
                List<X509Certificate> responders = revocationFor(c, issuer, knownOcsps, knownCrls, ocsps, crls);
                for (X509Certificate r : responders) {
                    if (!done.contains(r)) {
                        todo.add(r);
                    }
                }
            }
        }
        return new Material(certs, ocsps, crls);
    }

    /** What a verifier will object to in the data collected so far (revocation data signed with a weak algorithm). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** One OCSP response or CRL that speaks of a certificate, in DER. */
    private record Candidate(Revocation.Finding finding, byte[] der) {
        boolean ocsp() {
            return finding.data() instanceof OCSPResp;
        }
    }

    /**
     * Puts into {@code ocsps} or {@code crls} the revocation data for {@code c} and returns the
     * certificates of the OCSP responder it names. Data signed with a weak algorithm is taken only
     * when no source gives sound data, since verifiers do not rely on it.
     */
    private List<X509Certificate> revocationFor(X509Certificate c, X509Certificate issuer, Collection<OCSPResp> knownOcsps,
            Collection<X509CRL> knownCrls, Map<String, byte[]> ocsps, Map<String, byte[]> crls) {
        String name = NameFormat.format(c.getSubjectX500Principal());
        List<OCSPResp> given = new ArrayList<>(fileOcsps);
        given.addAll(knownOcsps);
        List<X509CRL> givenCrls = new ArrayList<>(fileCrls);
        givenCrls.addAll(knownCrls);
        Candidate weak = null;
        List<Candidate> found = new ArrayList<>();
        for (OCSPResp r : given) {
            found.add(candidate(Revocation.checkOcsp(r, c, issuer), encoded(r)));
        }
        for (X509CRL crl : givenCrls) {
            found.add(candidate(Revocation.checkCrl(crl, c, issuer), Revocation.encoded(crl)));
        }
        for (Candidate k : found) {
            if (k != null && k.finding().weakness() == null) {
                return take(k, name, ocsps, crls);
            }
            weak = weak == null ? k : weak;
        }
        List<String> failures = new ArrayList<>();
        if (sources.online()) {
            for (String url : Certificates.ocspUrls(c)) {
                try {
                    byte[] der = Revocation.fetchOcsp(url, c, issuer);
                    Candidate k = candidate(Revocation.checkOcsp(Revocation.parseOcsp(der), c, issuer), der);
                    if (k == null) {
                        failures.add("OCSP " + url + " answered without a valid response for it");
                    } else if (k.finding().weakness() == null) {
                        return take(k, name, ocsps, crls);
                    } else {
                        weak = weak == null ? k : weak;
                    }
                } catch (HsmkitException e) {
                    if (e.kind() == ErrorKind.VERIFICATION_FAILED) {
                        throw e;
                    }
                    failures.add("OCSP " + url + ": " + e.getMessage());
                }
            }
            for (String url : Certificates.crlUrls(c)) {
                try {
                    // one CRL speaks for every certificate of its issuer: fetched once per collection
                    byte[] der = fetchedCrls.containsKey(url) ? fetchedCrls.get(url) : Http.get(url);
                    fetchedCrls.put(url, der);
                    Candidate k = candidate(Revocation.checkCrl(Revocation.parseCrl(der), c, issuer), der);
                    if (k == null) {
                        failures.add("CRL " + url + " is not signed by the issuer");
                    } else if (k.finding().weakness() == null) {
                        return take(k, name, ocsps, crls);
                    } else {
                        weak = weak == null ? k : weak;
                    }
                } catch (HsmkitException e) {
                    if (e.kind() == ErrorKind.VERIFICATION_FAILED) {
                        throw e;
                    }
                    failures.add("CRL " + url + ": " + e.getMessage());
                }
            }
        }
        if (weak != null) {
            warnings.add(weak.finding().weaknessMessage() + ": no source gave other data for it, and verifiers will not rely"
                    + " on it (EU DSS: INDETERMINATE)");
            return take(weak, name, ocsps, crls);
        }
        String why = failures.isEmpty() ? (sources.online() ? "the certificate names no OCSP responder or CRL"
                : "no given OCSP response or CRL speaks for it") : String.join("; ", failures);
        throw new HsmkitException(ErrorKind.IO, "cannot get revocation data for " + name + ": " + why,
                "sign at --level B-T and extend later, or give --ocsp/--crl files");
    }

    private static Candidate candidate(Revocation.Finding f, byte[] der) {
        return f == null ? null : new Candidate(f, der);
    }

    private static List<X509Certificate> take(Candidate k, String name, Map<String, byte[]> ocsps, Map<String, byte[]> crls) {
        requireGood(k.finding(), name);
        (k.ocsp() ? ocsps : crls).put(key(k.der()), k.der());
        return k.finding().signerCerts();
    }

    private static void requireGood(Revocation.Finding f, String name) {
        if (f.status() == Revocation.Status.REVOKED) {
            throw HsmkitException.verification("the certificate " + name + " is revoked (" + f.source() + ", since "
                    + f.revokedAt() + ")", "use a key whose certificate is valid");
        }
    }

    private static byte[] encoded(OCSPResp r) {
        try {
            return r.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(byte[] der) {
        return java.util.HexFormat.of().formatHex(CadesSignature.digestOf(org.hsmkit.core.DigestAlgorithm.SHA256, der));
    }
}
