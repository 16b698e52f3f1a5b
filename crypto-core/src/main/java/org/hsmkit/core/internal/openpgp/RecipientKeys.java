package org.hsmkit.core.internal.openpgp;

import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.Iterator;
import java.util.List;

import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.PreferredAEADCiphersuites;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.hsmkit.core.HsmkitException;

/** Which key of a certificate a message is encrypted to, and what the certificate supports. */
public final class RecipientKeys {
    private RecipientKeys() {
    }

    /**
     * The newest key of {@code cert} that may encrypt now (bound, not expired, not revoked), as
     * GnuPG chooses.
     *
     * @throws HsmkitException INPUT naming why there is none: revoked, expired, or no encryption key
     */
    public static PGPPublicKey encryptionKey(OpenPGPCertificate cert, Instant now) {
        String fpr = OpenPgpKeys.hex(cert.getFingerprint());
        List<OpenPGPCertificate.OpenPGPComponentKey> keys;
        try {
            keys = cert.getEncryptionKeys(Date.from(now));
        } catch (RuntimeException e) {
            keys = List.of();
        }
        if (!keys.isEmpty()) {
            return keys.stream().max(Comparator.comparing(OpenPGPCertificate.OpenPGPComponentKey::getCreationTime))
                    .orElseThrow().getPGPPublicKey();
        }
        OpenPGPCertificate.OpenPGPComponentSignature revocation = safe(() -> cert.getRevocation(Date.from(now)));
        if (revocation != null) {
            throw HsmkitException.input("the certificate " + fpr + " is revoked", "ask its owner for their current certificate");
        }
        Date expiry = safe(() -> cert.getExpirationTime(Date.from(now)));
        if (expiry != null && !expiry.toInstant().isAfter(now)) {
            throw HsmkitException.input("the certificate " + fpr + " expired on " + expiry.toInstant(),
                    "ask its owner for a certificate with a later expiry (gpg --quick-set-expire, then export again)");
        }
        if (cert.getPrimaryUserId() == null && cert.getAllUserIds().isEmpty()) {
            throw HsmkitException.input("the certificate " + fpr + " has no user id with a valid self-signature",
                    "the certificate is damaged or incomplete");
        }
        throw HsmkitException.input("the certificate " + fpr + " has no key that may encrypt (a signing-only certificate, "
                + "or its encryption subkeys are expired or revoked)", "ask its owner for a certificate with an encryption subkey");
    }

    private interface Lookup<T> {
        T get();
    }

    private static <T> T safe(Lookup<T> l) {
        try {
            return l.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether the primary key's newest self-signature advertises SEIPD v2 (RFC 9580 feature 0x08). */
    public static boolean advertisesSeipdV2(PGPPublicKeyRing ring) {
        PGPSignature newest = newestSelfSignature(ring);
        Features f = newest == null ? null : newest.getHashedSubPackets().getFeatures();
        return f != null && f.supportsSEIPDv2();
    }

    /** Whether the newest self-signature lists AES-256 with GCM among its preferred AEAD ciphersuites. */
    public static boolean prefersAes256Gcm(PGPPublicKeyRing ring) {
        PGPSignature newest = newestSelfSignature(ring);
        PreferredAEADCiphersuites p = newest == null ? null : newest.getHashedSubPackets().getPreferredAEADCiphersuites();
        return p != null && p.isSupported(new PreferredAEADCiphersuites.Combination(SymmetricKeyAlgorithmTags.AES_256, AEADAlgorithmTags.GCM));
    }

    private static PGPSignature newestSelfSignature(PGPPublicKeyRing ring) {
        PGPPublicKey primary = ring.getPublicKey();
        PGPSignature newest = null;
        for (Iterator<PGPSignature> it = primary.getSignatures(); it.hasNext();) {
            PGPSignature s = it.next();
            int t = s.getSignatureType();
            boolean self = s.getKeyID() == primary.getKeyID();
            boolean certification = t == PGPSignature.POSITIVE_CERTIFICATION || t == PGPSignature.CASUAL_CERTIFICATION
                    || t == PGPSignature.NO_CERTIFICATION || t == PGPSignature.DEFAULT_CERTIFICATION || t == PGPSignature.DIRECT_KEY;
            if (self && certification && s.getHashedSubPackets() != null
                    && s.getHashedSubPackets().hasSubpacket(SignatureSubpacketTags.FEATURES)
                    && (newest == null || s.getCreationTime().after(newest.getCreationTime()))) {
                newest = s;
            }
        }
        return newest;
    }
}
