package org.hsmkit.core.internal.soft;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Builds a certificate chain from a key's certificate and the issuer certificates a token holds. */
public final class IssuerChain {
    private static final int MAX_LENGTH = 10;

    private IssuerChain() {
    }

    /**
     * The certificate followed by its issuers, as far as {@code pool} holds them; an issuer counts
     * only when its key verifies the signature. Not a validation: no dates, no policy.
     */
    public static List<X509Certificate> build(X509Certificate leaf, Collection<X509Certificate> pool) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        X509Certificate current = leaf;
        while (chain.size() < MAX_LENGTH && !isSelfIssued(current)) {
            X509Certificate issuer = findIssuer(current, pool, chain);
            if (issuer == null) {
                break;
            }
            chain.add(issuer);
            current = issuer;
        }
        return List.copyOf(chain);
    }

    private static X509Certificate findIssuer(X509Certificate c, Collection<X509Certificate> pool,
            List<X509Certificate> already) {
        for (X509Certificate candidate : pool) {
            if (already.contains(candidate)
                    || !candidate.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                continue;
            }
            try {
                c.verify(candidate.getPublicKey());
                return candidate;
            } catch (java.security.GeneralSecurityException e) {
                // same name, other key: keep looking
            }
        }
        return null;
    }

    private static boolean isSelfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }
}
