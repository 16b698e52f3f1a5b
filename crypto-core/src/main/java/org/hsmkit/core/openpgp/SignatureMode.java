package org.hsmkit.core.openpgp;

/** The shapes of an OpenPGP signature. */
public enum SignatureMode {
    /** The signature alone ({@code gpg --detach-sign}): binary {@code .sig} or armoured {@code .asc}. */
    DETACHED,
    /** One message holding the data and its signature ({@code gpg --sign}). */
    INLINE,
    /** Readable text followed by an armoured signature ({@code gpg --clearsign}); for text files. */
    CLEARTEXT
}
