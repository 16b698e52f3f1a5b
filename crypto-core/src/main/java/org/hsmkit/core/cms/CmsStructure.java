package org.hsmkit.core.cms;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link CmsInspector} found in a CMS file, read without any key.
 *
 * @param pem whether the file was PEM-armored
 * @param contentType e.g. {@code AuthEnvelopedData}, {@code EnvelopedData}, {@code SignedData}
 * @param contentAlgorithm the content cipher (enveloped) or empty
 * @param recipients one entry per recipient key (enveloped)
 * @param signers one entry per signer (signed)
 * @param contentBytes encrypted or signed content length; 0 for a detached signature
 * @param detached whether a signature file carries no content
 * @param tagBytes the GCM tag length, 0 for none
 */
public record CmsStructure(boolean pem, String contentType, String contentAlgorithm, List<Recipient> recipients,
        List<Signer> signers, long contentBytes, boolean detached, int tagBytes) {

    /** One recipient: how the file names it, its key type and the key-encryption algorithm. */
    public record Recipient(String kind, String identifier, String keyType, String algorithm) {
    }

    /** One signer: its id, certificate subject if included, algorithms and signing time if signed. */
    public record Signer(String identifier, String subject, String digestAlgorithm, String signatureAlgorithm, Instant signingTime) {
    }

    /** Human-readable lines, as {@code hsmkit inspect} prints them. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("format:        " + (pem ? "PEM" : "DER/BER"));
        out.add("content type:  " + contentType);
        if (!contentAlgorithm.isEmpty()) {
            out.add("cipher:        " + contentAlgorithm + (tagBytes > 0 ? " (" + tagBytes + "-byte tag)" : " (no integrity protection)"));
        }
        out.add("content:       " + (detached ? "detached (not in this file)" : contentBytes + " bytes"));
        for (int i = 0; i < recipients.size(); i++) {
            Recipient r = recipients.get(i);
            out.add("recipient " + (i + 1) + ":   " + r.kind() + ", " + r.keyType() + ", " + r.algorithm());
            out.add("               " + r.identifier());
        }
        for (int i = 0; i < signers.size(); i++) {
            Signer s = signers.get(i);
            out.add("signer " + (i + 1) + ":      " + (s.subject() == null ? s.identifier() : s.subject()));
            if (s.subject() != null) {
                out.add("               " + s.identifier());
            }
            out.add("               " + s.signatureAlgorithm() + " over " + s.digestAlgorithm()
                    + (s.signingTime() == null ? "" : ", signed at " + s.signingTime()));
        }
        return out;
    }
}
