package org.hsmkit.smime;

import java.util.List;

/**
 * One S/MIME layer that {@link SmimeReader} removed.
 *
 * @param kind what the layer was
 * @param path where it was in the MIME tree: {@code "1"} is the message body, {@code "1.2"} its
 *        second subpart, and so on
 * @param algorithm the content-encryption or compression algorithm, or the signed format
 * @param signatures for a signed layer, one report per signature; otherwise empty
 */
public record SmimeLayer(Kind kind, String path, String algorithm, List<SignatureReport> signatures) {

    public SmimeLayer {
        signatures = List.copyOf(signatures);
    }

    public enum Kind {
        /** multipart/signed, detached signature. */
        SIGNED_DETACHED,
        /** application/pkcs7-mime signed-data. */
        SIGNED_OPAQUE,
        /** EnvelopedData (e.g. AES-CBC). */
        ENVELOPED,
        /** AuthEnvelopedData (AES-GCM): content is authenticated as well as encrypted. */
        AUTH_ENVELOPED,
        /** CompressedData (RFC 3274). */
        COMPRESSED;

        public boolean isSigned() {
            return this == SIGNED_DETACHED || this == SIGNED_OPAQUE;
        }

        public boolean isEncrypted() {
            return this == ENVELOPED || this == AUTH_ENVELOPED;
        }
    }
}
