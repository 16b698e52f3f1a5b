package org.hsmkit.core.cms;

/**
 * How an encrypted file names each recipient. Issuer and serial number (the default, what every
 * reader understands) ties the entry to one certificate; a subject key identifier ties it to the
 * key, so a renewed certificate for the same key, or a key whose certificate is not on the token,
 * still finds the entry.
 */
public enum RecipientNaming {
    /** The certificate's issuer and serial number. */
    ISSUER_AND_SERIAL,
    /** The certificate's subject key identifier extension, or the SHA-1 of its public key when it has none. */
    SUBJECT_KEY_ID
}
