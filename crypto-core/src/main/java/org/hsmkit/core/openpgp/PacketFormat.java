package org.hsmkit.core.openpgp;

/**
 * How an OpenPGP message's content is encrypted and protected. Both are integrity-protected; hsmkit
 * never writes, and refuses to decrypt, the old unprotected Symmetrically Encrypted Data packet.
 */
public enum PacketFormat {
    /** SEIPD version 1: AES in CFB mode with a SHA-1 modification detection code (RFC 4880; GnuPG 2.2 reads it). */
    SEIPD_V1("SEIPD v1 with MDC"),
    /**
     * SEIPD version 2: AES in an AEAD mode, in authenticated chunks (RFC 9580); written when every
     * recipient advertises it, with GCM when every recipient lists it, else OCB.
     */
    SEIPD_V2("SEIPD v2");

    private final String description;

    PacketFormat(String description) {
        this.description = description;
    }

    /** The packet's name, e.g. {@code SEIPD v1 with MDC}; the cipher is named apart. */
    public String description() {
        return description;
    }
}
