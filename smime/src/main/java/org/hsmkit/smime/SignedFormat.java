package org.hsmkit.smime;

/** How a signed message carries its content (RFC 8551 section 3.5). */
public enum SignedFormat {
    /**
     * {@code multipart/signed}: the content stays readable by clients without S/MIME, the
     * signature travels beside it as {@code application/pkcs7-signature}. The default.
     */
    DETACHED,
    /** {@code application/pkcs7-mime; smime-type=signed-data}: the content is inside the CMS structure. */
    OPAQUE
}
