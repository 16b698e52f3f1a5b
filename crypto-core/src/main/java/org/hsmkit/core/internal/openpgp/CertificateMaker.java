package org.hsmkit.core.internal.openpgp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.PreferredAEADCiphersuites;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.TokenKey;

/**
 * Makes a version 4 certificate from token keys: the primary key certifies and signs, the
 * encryption key (a subkey, or the RSA primary key itself) encrypts. Each self-signature is one
 * signature on the token.
 */
public final class CertificateMaker {
    private CertificateMaker() {
    }

    /**
     * @param encryption the encryption key, or null for a signing-only certificate
     * @param validSeconds key expiry in seconds after the primary key's creation, or null for none
     */
    public static PGPPublicKeyRing make(TokenKey signing, Instant signingCreated, TokenKey encryption, Instant encryptionCreated,
            List<String> userIds, Long validSeconds, Instant signedAt) {
        PGPPublicKey primary = OpenPgpKeys.publicKey(signing, signingCreated, false);
        boolean rsaBoth = encryption != null && signing.type().isRsa()
                && Arrays.equals(signing.publicKey().getEncoded(), encryption.publicKey().getEncoded());
        int primaryFlags = KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA
                | (rsaBoth ? KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE : 0);
        TokenSignerBuilder signer = new TokenSignerBuilder(signing, primary.getAlgorithm());
        try {
            boolean first = true;
            for (String uid : userIds) {
                PGPSignatureGenerator g = new PGPSignatureGenerator(signer, primary);
                g.init(PGPSignature.POSITIVE_CERTIFICATION, OpenPgpKeys.handle(primary));
                PGPSignatureSubpacketGenerator hashed = common(primary, signedAt);
                hashed.setKeyFlags(true, primaryFlags);
                if (validSeconds != null) {
                    hashed.setKeyExpirationTime(true, expirySeconds(signingCreated, validSeconds));
                }
                hashed.setPreferredSymmetricAlgorithms(false, new int[] {
                    SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_192, SymmetricKeyAlgorithmTags.AES_128});
                hashed.setPreferredHashAlgorithms(false, new int[] {
                    HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA256});
                hashed.setPreferredCompressionAlgorithms(false, new int[] {
                    CompressionAlgorithmTags.UNCOMPRESSED, CompressionAlgorithmTags.ZLIB, CompressionAlgorithmTags.ZIP});
                // GCM first: the JDK runs it with the CPU's AES and carry-less multiply instructions
                hashed.setPreferredAEADCiphersuites(false, new PreferredAEADCiphersuites.Combination[] {
                    new PreferredAEADCiphersuites.Combination(SymmetricKeyAlgorithmTags.AES_256, AEADAlgorithmTags.GCM),
                    new PreferredAEADCiphersuites.Combination(SymmetricKeyAlgorithmTags.AES_256, AEADAlgorithmTags.OCB),
                    new PreferredAEADCiphersuites.Combination(SymmetricKeyAlgorithmTags.AES_128, AEADAlgorithmTags.OCB)});
                hashed.setFeature(false, (byte) (Features.FEATURE_MODIFICATION_DETECTION | Features.FEATURE_SEIPD_V2));
                if (first && userIds.size() > 1) {
                    hashed.setPrimaryUserID(false, true);
                }
                first = false;
                g.setHashedSubpackets(hashed.generate());
                g.setUnhashedSubpackets(unhashed(primary));
                primary = PGPPublicKey.addCertification(primary, uid, g.generateCertification(uid, primary));
            }
            List<PGPPublicKey> keys = new ArrayList<>();
            keys.add(primary);
            if (encryption != null && !rsaBoth) {
                PGPPublicKey sub = OpenPgpKeys.asSubkey(OpenPgpKeys.publicKey(encryption, encryptionCreated, true));
                if (Arrays.equals(sub.getFingerprint(), primary.getFingerprint())) {
                    throw HsmkitException.key("the encryption key is the primary key", "choose another encryption key");
                }
                PGPSignatureGenerator g = new PGPSignatureGenerator(signer, primary);
                g.init(PGPSignature.SUBKEY_BINDING, OpenPgpKeys.handle(primary));
                PGPSignatureSubpacketGenerator hashed = common(primary, signedAt);
                hashed.setKeyFlags(true, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
                if (validSeconds != null) {
                    // a subkey's expiry counts from its own creation
                    long subSeconds = signingCreated.getEpochSecond() + validSeconds - encryptionCreated.getEpochSecond();
                    if (subSeconds <= 0) {
                        throw HsmkitException.key("the encryption key was created after the certificate's expiry", "choose a later expiry");
                    }
                    hashed.setKeyExpirationTime(true, expirySeconds(encryptionCreated, subSeconds));
                }
                g.setHashedSubpackets(hashed.generate());
                g.setUnhashedSubpackets(unhashed(primary));
                keys.add(PGPPublicKey.addCertification(sub, g.generateCertification(primary, sub)));
            }
            return new PGPPublicKeyRing(keys);
        } catch (PGPException e) {
            throw HsmkitException.key("cannot sign the certificate: " + e.getMessage(), "check that the key can sign on the token");
        }
    }

    /**
     * A key revocation signature (type 0x20) over the primary key, made on the token with it.
     *
     * @param reason the RFC 9580 reason code (0 none, 1 superseded, 2 compromised, 3 retired)
     */
    public static PGPSignature revocation(TokenKey signing, Instant signingCreated, int reason, String comment, Instant signedAt) {
        PGPPublicKey primary = OpenPgpKeys.publicKey(signing, signingCreated, false);
        try {
            PGPSignatureGenerator g = new PGPSignatureGenerator(new TokenSignerBuilder(signing, primary.getAlgorithm()), primary);
            g.init(PGPSignature.KEY_REVOCATION, OpenPgpKeys.handle(primary));
            PGPSignatureSubpacketGenerator hashed = common(primary, signedAt);
            hashed.setRevocationReason(false, (byte) reason, comment == null ? "" : comment);
            g.setHashedSubpackets(hashed.generate());
            g.setUnhashedSubpackets(unhashed(primary));
            return g.generateCertification(primary);
        } catch (PGPException e) {
            throw HsmkitException.key("cannot sign the revocation: " + e.getMessage(), "check that the key can sign on the token");
        }
    }

    private static PGPSignatureSubpacketGenerator common(PGPPublicKey issuer, Instant signedAt) {
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setSignatureCreationTime(false, Date.from(signedAt));
        hashed.setIssuerFingerprint(false, issuer);
        return hashed;
    }

    private static org.bouncycastle.openpgp.PGPSignatureSubpacketVector unhashed(PGPPublicKey issuer) {
        PGPSignatureSubpacketGenerator g = new PGPSignatureSubpacketGenerator();
        g.setIssuerKeyID(false, issuer.getKeyID());
        return g.generate();
    }

    /**
     * OpenPGP times are four-octet seconds since 1970, and readers add the key expiration
     * subpacket's seconds to the key's creation in that width (gpg does): an expiry after
     * 2106-02-07T06:28:15Z wraps round to a date in the past, and '--expires 100y' made a
     * certificate gpg showed as expired. Bouncy Castle writes it without complaint.
     */
    private static long expirySeconds(Instant created, long seconds) {
        if (created.getEpochSecond() + seconds > 0xFFFFFFFFL) {
            throw new HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "the expiry "
                    + created.plusSeconds(seconds) + " lies after 2106-02-07T06:28:15Z, the last time OpenPGP can write",
                    "choose an earlier expiry, or none (--expires never)");
        }
        return seconds;
    }
}
