package org.hsmkit.core.openpgp;

import java.time.Instant;
import java.util.Date;
import java.util.Optional;

import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.openpgp.OpenPgpKeys;

/** Whether a key could sign when a signature says it was made, and can still: the checks after the mathematics. */
final class KeyValidity {
    private KeyValidity() {
    }

    /**
     * @return when the key expired, if it expired after signing and that is accepted
     * @throws HsmkitException VERIFICATION_FAILED naming what is wrong with the key
     */
    static Optional<Instant> check(PgpCertificate certificate, PGPPublicKey key, Instant signed, boolean acceptExpiredSince) {
        OpenPGPCertificate oc = certificate.checked();
        String fpr = OpenPgpKeys.hex(key.getFingerprint());
        OpenPGPCertificate.OpenPGPComponentKey ck = oc.getKey(new KeyIdentifier(key.getFingerprint(), key.getKeyID()));
        if (ck == null) {
            throw HsmkitException.verification("the key " + fpr + " is not part of its certificate", "the certificate is damaged");
        }
        Date now = new Date();
        if (revoked(oc) || revoked(ck)) {
            throw HsmkitException.verification("the key " + fpr + (revoked(oc) ? " (its certificate " + certificate.fingerprint() + ")" : "")
                    + " is revoked", "do not trust signatures by a revoked key; ask the signer how to verify their data");
        }
        Date t = Date.from(signed);
        if (key.getCreationTime().after(t)) {
            throw HsmkitException.verification("the signature (" + signed + ") is older than its key (" + key.getCreationTime().toInstant() + ")",
                    "the signature's time is wrong or forged");
        }
        if (!ck.isPrimaryKey() && !safeBound(ck, t)) {
            throw HsmkitException.verification("the signing subkey " + fpr + " has no valid binding to the certificate "
                    + certificate.fingerprint() + " at " + signed, "a subkey signs only with a valid binding (and back-)signature; "
                    + "get the signer's complete certificate");
        }
        // Bouncy Castle's "is a signing key at" does not look at key expiration: check that here
        Date expiredAtSigning = expiry(oc, ck, t);
        if (expiredAtSigning != null && !expiredAtSigning.after(t)) {
            throw HsmkitException.verification("the key " + fpr + " had expired (" + expiredAtSigning.toInstant() + ") when it signed ("
                    + signed + ")", "ask the signer for a signature by a current key");
        }
        if (!safeSigning(ck, t)) {
            throw HsmkitException.verification("the key " + fpr + " was not valid for signing at " + signed
                    + " (no valid self-signature allowing it to sign)", "get the signer's current certificate");
        }
        Date expiredNow = expiry(oc, ck, now);
        if (expiredNow != null && !expiredNow.after(now)) {
            if (acceptExpiredSince) {
                return Optional.of(expiredNow.toInstant());
            }
            throw HsmkitException.verification("the key " + fpr + " has expired (" + expiredNow.toInstant() + "); it was valid when it signed",
                    "get the signer's renewed certificate, or accept keys that expired after signing with --accept-expired");
        }
        if (!safeSigning(ck, now)) {
            throw HsmkitException.verification("the key " + fpr + " is no longer valid for signing", "get the signer's current certificate");
        }
        return Optional.empty();
    }

    private static boolean revoked(OpenPGPCertificate oc) {
        try {
            return oc.getRevocation() != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean revoked(OpenPGPCertificate.OpenPGPComponentKey ck) {
        try {
            return ck.getRevocation() != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean safeBound(OpenPGPCertificate.OpenPGPComponentKey ck, Date t) {
        try {
            return ck.isBoundAt(t);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean safeSigning(OpenPGPCertificate.OpenPGPComponentKey ck, Date t) {
        try {
            return ck.isSigningKey(t);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Date expiry(OpenPGPCertificate oc, OpenPGPCertificate.OpenPGPComponentKey ck, Date t) {
        Date key = null;
        Date cert = null;
        try {
            key = ck.getKeyExpirationDateAt(t);
        } catch (RuntimeException ignored) {
            // no self-signature at that time
        }
        try {
            cert = oc.getExpirationTime(t);
        } catch (RuntimeException ignored) {
            // as above
        }
        if (key == null) {
            return cert;
        }
        return cert == null || key.before(cert) ? key : cert;
    }
}
