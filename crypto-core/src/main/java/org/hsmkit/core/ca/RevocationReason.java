package org.hsmkit.core.ca;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.bouncycastle.asn1.x509.CRLReason;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * Why a certificate was revoked (RFC 5280 5.3.1), as CRL entries and OCSP responses carry it.
 * certificateHold is left out on purpose: a revocation here is final.
 */
public enum RevocationReason {
    UNSPECIFIED("unspecified", CRLReason.unspecified),
    KEY_COMPROMISE("keyCompromise", CRLReason.keyCompromise),
    CA_COMPROMISE("cACompromise", CRLReason.cACompromise),
    AFFILIATION_CHANGED("affiliationChanged", CRLReason.affiliationChanged),
    SUPERSEDED("superseded", CRLReason.superseded),
    CESSATION_OF_OPERATION("cessationOfOperation", CRLReason.cessationOfOperation),
    PRIVILEGE_WITHDRAWN("privilegeWithdrawn", CRLReason.privilegeWithdrawn);

    private final String rfcName;
    private final int code;

    RevocationReason(String rfcName, int code) {
        this.rfcName = rfcName;
        this.code = code;
    }

    /** The name RFC 5280 gives, e.g. {@code keyCompromise}. */
    public String rfcName() {
        return rfcName;
    }

    /** The CRLReason code. */
    public int code() {
        return code;
    }

    /** The reason with this CRLReason code. */
    public static RevocationReason ofCode(int code) {
        for (RevocationReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("reason code " + code);
    }

    /** Parses an RFC 5280 name, case-insensitively, with or without dashes ({@code key-compromise}). */
    public static RevocationReason parse(String text) {
        String t = text.strip().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        for (RevocationReason r : values()) {
            if (r.rfcName.toLowerCase(Locale.ROOT).equals(t)) {
                return r;
            }
        }
        throw new HsmkitException(ErrorKind.USAGE, "'" + text + "' is not a revocation reason",
                "use one of " + Arrays.stream(values()).map(RevocationReason::rfcName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return rfcName;
    }
}
