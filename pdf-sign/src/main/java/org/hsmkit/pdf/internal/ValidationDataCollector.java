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

    private List<X509Certificate> revocationFor(X509Certificate c, X509Certificate issuer, Collection<OCSPResp> knownOcsps,
            Collection<X509CRL> knownCrls, Map<String, byte[]> ocsps, Map<String, byte[]> crls) {
        String name = NameFormat.format(c.getSubjectX500Principal());
        List<OCSPResp> given = new ArrayList<>(fileOcsps);
        given.addAll(knownOcsps);
        List<X509CRL> givenCrls = new ArrayList<>(fileCrls);
        givenCrls.addAll(knownCrls);
        for (OCSPResp r : given) {
            Revocation.Finding f = Revocation.checkOcsp(r, c, issuer);
            if (f != null) {
                requireGood(f, name);
                ocsps.put(key(encoded(r)), encoded(r));
                return f.signerCerts();
            }
        }
        for (X509CRL crl : givenCrls) {
            Revocation.Finding f = Revocation.checkCrl(crl, c, issuer);
            if (f != null) {
                requireGood(f, name);
                byte[] der = Revocation.encoded(crl);
                crls.put(key(der), der);
                return List.of();
            }
        }
        List<String> failures = new ArrayList<>();
        if (sources.online()) {
            for (String url : Certificates.ocspUrls(c)) {
                try {
                    byte[] der = Revocation.fetchOcsp(url, c, issuer);
                    Revocation.Finding f = Revocation.checkOcsp(Revocation.parseOcsp(der), c, issuer);
                    if (f == null) {
                        failures.add("OCSP " + url + " answered without a valid response for it");
                        continue;
                    }
                    requireGood(f, name);
                    ocsps.put(key(der), der);
                    return f.signerCerts();
                } catch (HsmkitException e) {
                    if (e.kind() == ErrorKind.VERIFICATION_FAILED) {
                        throw e;
                    }
                    failures.add("OCSP " + url + ": " + e.getMessage());
                }
            }
            for (String url : Certificates.crlUrls(c)) {
                try {
                    byte[] der = Http.get(url);
                    Revocation.Finding f = Revocation.checkCrl(Revocation.parseCrl(der), c, issuer);
                    if (f == null) {
                        failures.add("CRL " + url + " is not signed by the issuer");
                        continue;
                    }
                    requireGood(f, name);
                    crls.put(key(der), der);
                    return List.of();
                } catch (HsmkitException e) {
                    if (e.kind() == ErrorKind.VERIFICATION_FAILED) {
                        throw e;
                    }
                    failures.add("CRL " + url + ": " + e.getMessage());
                }
            }
        }
        String why = failures.isEmpty() ? (sources.online() ? "the certificate names no OCSP responder or CRL"
                : "no given OCSP response or CRL speaks for it") : String.join("; ", failures);
        throw new HsmkitException(ErrorKind.IO, "cannot get revocation data for " + name + ": " + why,
                "sign at --level B-T and extend later, or give --ocsp/--crl files");
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
