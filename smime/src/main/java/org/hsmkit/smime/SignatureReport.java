package org.hsmkit.smime;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one signature on a message proves. A signature counts as {@link #valid()} only when the
 * mathematics, the certificate path to a given trust anchor, the key usage / extended key usage
 * (emailProtection) and the From address all check out.
 *
 * @param signer the signer's certificate, empty when the message does not carry it
 * @param signingTime the signing time the signer claims (a signed attribute; not a timestamp)
 * @param algorithm e.g. {@code SHA256WITHRSA}, {@code SHA256WITHRSAANDMGF1}, {@code SHA256WITHECDSA}
 * @param signatureValid the signature matches the content and the certificate's public key
 * @param pathValid a PKIX path from the certificate to one of the trust anchors, at the validation time
 * @param usageValid key usage allows signing and extended key usage (if present) allows emailProtection
 * @param signerEmails the addresses in the certificate (subjectAltName rfc822Name, subject E=)
 * @param fromMatches one of those addresses is the message's From address
 * @param revocationChecked whether revocation was checked: only against CRLs the message itself
 *        carries, when they cover the whole path (hsmkit fetches no CRL or OCSP response for
 *        mail); otherwise false, and {@link #notes()} says why
 * @param problems why the signature is not valid; empty when it is
 * @param notes remarks that do not make it invalid
 */
public record SignatureReport(
        Optional<X509Certificate> signer,
        String signerName,
        Optional<Instant> signingTime,
        String algorithm,
        boolean signatureValid,
        boolean pathValid,
        boolean usageValid,
        List<String> signerEmails,
        boolean fromMatches,
        boolean revocationChecked,
        List<String> problems,
        List<String> notes) {

    public SignatureReport {
        signerEmails = List.copyOf(signerEmails);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /** All checks passed. */
    public boolean valid() {
        return signatureValid && pathValid && usageValid && fromMatches && problems.isEmpty();
    }
}
