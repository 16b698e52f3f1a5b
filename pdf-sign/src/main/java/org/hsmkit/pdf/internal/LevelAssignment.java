package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.hsmkit.pdf.SignatureReport.Kind;

/**
 * The PAdES baseline level of each signature. Levels need all signatures: a later document
 * time-stamp lifts earlier signatures to B-T, and to B-LTA when its revision already held the
 * validation data of the signer's path.
 */
final class LevelAssignment {
    private final RevisionReader revisions;
    private final TrustCheck trust;
    private final Map<Long, ValidationPool> pools = new HashMap<>();
    private ValidationPool finalPool;

    LevelAssignment(RevisionReader revisions, TrustCheck trust) {
        this.revisions = revisions;
        this.trust = trust;
    }

    /** Sets the level of every signature of {@code sigs} (in file order); {@code pool} is the final document's. */
    void assign(List<SignatureState> sigs, ValidationPool pool) {
        finalPool = pool;
        for (int i = 0; i < sigs.size(); i++) {
            SignatureState s = sigs.get(i);
            if (s.kind != Kind.SIGNATURE) {
                continue;
            }
            if (!s.pades) {
                s.level = "adbe.pkcs7.detached".equals(s.subFilter) ? "PKCS#7 (not PAdES)" : "CMS (not PAdES baseline)";
                continue;
            }
            List<SignatureState> laterDocTs = new ArrayList<>();
            for (int j = i + 1; j < sigs.size(); j++) {
                if (sigs.get(j).kind == Kind.DOCUMENT_TIMESTAMP && sigs.get(j).intact) {
                    laterDocTs.add(sigs.get(j));
                }
            }
            String level = "B-B";
            if (s.signatureTimestamp || !laterDocTs.isEmpty()) {
                level = "B-T";
                // validation data counts for B-LT only when added after the signature (as DSS has it):
                // what the document held when it was signed is not that signature's
                ValidationPool signedOver = poolAt(s.end);
                ValidationPool added = pool.since(signedOver);
                if (s.revocationComplete && (!added.ocsps.isEmpty() || !added.crls.isEmpty()) && revocationCovered(s, added)) {
                    level = "B-LT";
                    for (SignatureState d : laterDocTs) {
                        if (revocationCovered(s, (d.coversWhole ? pool : poolAt(d.end)).since(signedOver))) {
                            level = "B-LTA";
                            break;
                        }
                    }
                }
            }
            s.level = level;
        }
    }

    /**
     * Whether the revision a document time-stamp covers already held the OCSP response or CRL
     * {@code data} in its /DSS (only then does the time-stamp prove the data existed at its time).
     */
    boolean held(SignatureState documentTimestamp, Object data) {
        ValidationPool p = documentTimestamp.coversWhole ? finalPool : poolAt(documentTimestamp.end);
        return p != null && (p.ocsps.contains(data) || p.crls.contains(data));
    }

    private ValidationPool poolAt(long end) {
        return pools.computeIfAbsent(end, e -> {
            try {
                return revisions.at(e, ValidationPool::new);
            } catch (IOException ex) {
                return new ValidationPool(null);
            }
        });
    }

    /** Whether the revocation data in {@code pool} speaks for every certificate of the signer's path. */
    private boolean revocationCovered(SignatureState s, ValidationPool pool) {
        if (s.signerCert == null) {
            return false;
        }
        List<X509Certificate> all = new ArrayList<>(s.certs);
        all.addAll(pool.certs);
        all.addAll(trust.anchors());
        List<X509Certificate> chain = Certificates.chain(s.signerCert, all, false);
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            if (trust.isAnchor(c) || Certificates.hasOcspNoCheck(c)) {
                continue;
            }
            if (Revocation.find(c, chain.get(i + 1), pool.ocsps, pool.crls) == null) {
                return false;
            }
        }
        return true;
    }
}
