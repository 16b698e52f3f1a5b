package org.hsmkit.core.ca;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;

/**
 * One certificate in the CA's issuance database.
 *
 * @param serial the serial number
 * @param subject the subject, RFC 4514 style with short names
 * @param profile the profile it was issued under ({@code sub-ca}, …), or {@code ca} for nothing
 * @param revokedAt when it was revoked; empty while it is not
 * @param reason why, when revoked
 */
public record IssuedCertificate(BigInteger serial, String subject, String profile, Instant notBefore, Instant notAfter,
        Instant issuedAt, Optional<Instant> revokedAt, Optional<RevocationReason> reason) {

    /** Where a certificate stands at a given time. */
    public enum Status { VALID, REVOKED, EXPIRED, NOT_YET_VALID }

    public Status status(Instant at) {
        if (revokedAt.isPresent()) {
            return Status.REVOKED;
        }
        if (at.isAfter(notAfter)) {
            return Status.EXPIRED;
        }
        return at.isBefore(notBefore) ? Status.NOT_YET_VALID : Status.VALID;
    }

    /** The serial as colon-separated hex bytes, as {@code openssl x509 -text} shows it. */
    public String serialText() {
        return org.hsmkit.core.internal.ca.CertificateRequests.serialText(serial);
    }
}
