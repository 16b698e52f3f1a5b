package org.hsmkit.pdf.internal;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.hsmkit.core.HsmkitException;

/** Certificates and revocation data in a document's /DSS; unreadable entries do not count. */
final class ValidationPool {
    final Set<X509Certificate> certs = new LinkedHashSet<>();
    final List<OCSPResp> ocsps = new ArrayList<>();
    final List<X509CRL> crls = new ArrayList<>();

    /** The pool of {@code doc}; empty for null. */
    ValidationPool(PDDocument doc) {
        if (doc == null) {
            return;
        }
        for (byte[] c : DssStore.read(doc, DssStore.CERTS)) {
            try {
                certs.add(Certificates.parse(c));
            } catch (HsmkitException e) {
                // unreadable
            }
        }
        for (byte[] o : DssStore.read(doc, DssStore.OCSPS)) {
            try {
                ocsps.add(Revocation.parseOcsp(o));
            } catch (HsmkitException e) {
                // unreadable
            }
        }
        for (byte[] c : DssStore.read(doc, DssStore.CRLS)) {
            try {
                crls.add(Revocation.parseCrl(c));
            } catch (HsmkitException e) {
                // unreadable
            }
        }
    }

    /**
     * The revocation data this pool holds that {@code earlier} (the pool of an earlier revision)
     * did not, with all of this pool's certificates: what later revisions added.
     */
    ValidationPool since(ValidationPool earlier) {
        ValidationPool p = new ValidationPool(null);
        p.certs.addAll(certs);
        ocsps.stream().filter(o -> !earlier.ocsps.contains(o)).forEach(p.ocsps::add);
        crls.stream().filter(c -> !earlier.crls.contains(c)).forEach(p.crls::add);
        return p;
    }

    /** The pool's certificates plus every certificate of a CMS or time-stamp token. */
    Set<X509Certificate> with(org.bouncycastle.util.Store<X509CertificateHolder> store) {
        Set<X509Certificate> out = new LinkedHashSet<>(certs);
        for (X509CertificateHolder h : store.getMatches(null)) {
            out.add(Certificates.convert(h));
        }
        return out;
    }
}
