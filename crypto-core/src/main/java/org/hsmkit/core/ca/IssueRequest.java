package org.hsmkit.core.ca;

import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * What to issue: a PKCS#10 request under a profile.
 *
 * @param csr the request; its subject and requested subject alternative names are taken, its
 *        other requested extensions only checked against the profile
 * @param name how to name the request in messages (its file name)
 * @param profile what the certificate is for
 * @param validity how long it is valid; empty for the CA's default ({@code certificate.validity})
 * @param extraNames subject alternative names to add to those requested
 * @param pathLength for {@link Profile#SUB_CA}: how many CAs may follow below it; empty for 0
 */
public record IssueRequest(PKCS10CertificationRequest csr, String name, Profile profile, Optional<Validity> validity,
        List<GeneralName> extraNames, Optional<Integer> pathLength) {

    public IssueRequest {
        if (csr == null || profile == null) {
            throw new IllegalArgumentException("csr and profile are required");
        }
        name = name == null ? "request" : name;
        validity = validity == null ? Optional.empty() : validity;
        extraNames = extraNames == null ? List.of() : List.copyOf(extraNames);
        pathLength = pathLength == null ? Optional.empty() : pathLength;
    }

    /** A request under a profile with the CA's defaults. */
    public static IssueRequest of(PKCS10CertificationRequest csr, String name, Profile profile) {
        return new IssueRequest(csr, name, profile, Optional.empty(), List.of(), Optional.empty());
    }
}
