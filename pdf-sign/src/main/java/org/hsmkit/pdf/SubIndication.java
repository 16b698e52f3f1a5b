package org.hsmkit.pdf;

/**
 * Why a signature is not {@link Indication#TOTAL_PASSED}: the ETSI EN 319 102-1 sub-indications
 * hsmkit reports, named as the EU DSS validator names them, and hsmkit's own change-analysis
 * reason. When several apply, a report names the first in this order.
 */
public enum SubIndication {
    /** The signature is malformed or does not cover what it claims: byte range, /Contents, CMS structure. */
    FORMAT_FAILURE(Indication.TOTAL_FAILED),
    /** The signed bytes no longer match the signed digest: the document was changed within the signed revision. */
    HASH_FAILURE(Indication.TOTAL_FAILED),
    /** The signature value does not verify with the signer's key. */
    SIG_CRYPTO_FAILURE(Indication.TOTAL_FAILED),
    /** hsmkit's own: a later revision changed what the signature covers in a way its rules (DocMDP, approval) forbid. */
    CHANGED_AFTER_SIGNING(Indication.TOTAL_FAILED),
    /** The signer's certificate was revoked before the time the signer claims to have signed. */
    REVOKED(Indication.TOTAL_FAILED),
    /** The signer's certificate is missing, or is not the one the signature's signed attributes name. */
    NO_SIGNING_CERTIFICATE_FOUND(Indication.INDETERMINATE),
    /** The signer's certificate does not allow signing (key usage). */
    CHAIN_CONSTRAINTS_FAILURE(Indication.INDETERMINATE),
    /** The signer's certificate is revoked and nothing proves the signature was made before. */
    REVOKED_NO_POE(Indication.INDETERMINATE),
    /** A CA certificate of the path is revoked and nothing proves the signature was made before. */
    REVOKED_CA_NO_POE(Indication.INDETERMINATE),
    /** A certificate of the path is expired or not yet valid at the validation time, and no time-stamp proves an earlier time. */
    OUT_OF_BOUNDS_NO_POE(Indication.INDETERMINATE),
    /** No path from the signer to a trust anchor: none was given, or the path leads elsewhere. */
    NO_CERTIFICATE_CHAIN_FOUND(Indication.INDETERMINATE),
    /** A path to a trust anchor exists but does not validate (a signature or constraint in the chain fails). */
    CERTIFICATE_CHAIN_GENERAL_FAILURE(Indication.INDETERMINATE),
    /** Revocation data was required and the file does not carry it for every certificate of the path. */
    TRY_LATER(Indication.INDETERMINATE),
    /**
     * The signature, a certificate of its path or the revocation data (OCSP response, CRL) of that
     * path uses an algorithm or key size no longer relied on (MD5, SHA-1, RSA under 2048 bits: NIST
     * SP 800-131A), and no trusted time-stamp proves it was made before that. Last, as EN 319 102-1
     * checks it last (signature acceptance, after the certificate path).
     */
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE(Indication.INDETERMINATE);

    private final Indication indication;

    SubIndication(Indication indication) {
        this.indication = indication;
    }

    /** The indication this sub-indication belongs to. */
    public Indication indication() {
        return indication;
    }
}
