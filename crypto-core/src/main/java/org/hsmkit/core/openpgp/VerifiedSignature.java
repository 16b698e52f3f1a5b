package org.hsmkit.core.openpgp;

import java.time.Instant;
import java.util.Optional;

/**
 * A signature that verified: its mathematics, and a signing key that was valid (bound to its
 * certificate, allowed to sign, not expired, not revoked) when it signed.
 *
 * @param keyFingerprint the key that signed (a subkey or the primary key)
 * @param certificateFingerprint the primary key of the certificate that holds it
 * @param userId the certificate's primary user id, if it has a valid one
 * @param created when the signature says it was made
 * @param hashAlgorithm e.g. {@code SHA-256}
 * @param keyExpiredSince set when the key expired after it made the signature (accepted only on request)
 */
public record VerifiedSignature(String keyFingerprint, String certificateFingerprint, Optional<String> userId, Instant created,
        String hashAlgorithm, Optional<Instant> keyExpiredSince) {
}
