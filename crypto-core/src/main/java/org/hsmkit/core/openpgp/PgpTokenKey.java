package org.hsmkit.core.openpgp;

import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.openpgp.CreationTimeRecord;
import org.hsmkit.core.internal.openpgp.OpenPgpKeys;

/**
 * A token key as OpenPGP sees it: the key and the creation time written into its OpenPGP key
 * packet. The fingerprint covers that time, so every certificate, signature and decryption must
 * use the same one; hsmkit keeps it on the token beside the key, in a public data object labelled
 * {@code openpgp-created-} and 16 hex digits of a hash of the public key, application
 * {@code hsmkit-openpgp} (see {@code docs/openpgp.md}).
 */
public final class PgpTokenKey {
    private final TokenKey key;
    private final Instant created;

    private PgpTokenKey(TokenKey key, Instant created) {
        this.key = Objects.requireNonNull(key, "key");
        this.created = Instant.ofEpochSecond(Objects.requireNonNull(created, "created").getEpochSecond());
    }

    /** A key with a creation time the caller keeps (truncated to whole seconds, as OpenPGP stores it). */
    public static PgpTokenKey of(TokenKey key, Instant created) {
        return new PgpTokenKey(key, created);
    }

    /** The creation time stored on {@code token} for {@code key}, if any. */
    public static Optional<Instant> storedCreationTime(Token token, TokenKey key) {
        return CreationTimeRecord.read(token, key);
    }

    /** The label of the data object that holds {@code key}'s creation time on its token ({@code openpgp-created-…}). */
    public static String creationTimeLabel(TokenKey key) {
        return CreationTimeRecord.label(key);
    }

    /**
     * The key with the creation time stored on its token.
     *
     * @throws HsmkitException KEY when none is stored (the key's certificate was never exported)
     */
    public static PgpTokenKey stored(Token token, TokenKey key) {
        return CreationTimeRecord.read(token, key).map(t -> new PgpTokenKey(key, t)).orElseThrow(() -> HsmkitException.key(
                "the key '" + key.label() + "' has no OpenPGP creation time on the token",
                "export its OpenPGP certificate first (hsmkit pgp export --key " + key.label()
                        + " ...), or name the certificate you exported with --certificate FILE"));
    }

    /**
     * The key with its stored creation time; when there is none, stores {@code proposed} first, so
     * that later exports give the same fingerprint.
     *
     * @throws HsmkitException KEY when the token cannot hold the record (hint: pass the time explicitly)
     */
    public static PgpTokenKey storedOrNew(Token token, TokenKey key, Instant proposed) {
        Optional<Instant> stored = CreationTimeRecord.read(token, key);
        if (stored.isPresent()) {
            return new PgpTokenKey(key, stored.get());
        }
        PgpTokenKey k = new PgpTokenKey(key, proposed);
        try {
            CreationTimeRecord.write(token, key, k.created);
        } catch (HsmkitException e) {
            throw new HsmkitException(e.kind(), "cannot store the OpenPGP creation time of '" + key.label() + "' on the token: "
                    + e.getMessage(), "without it the next export would get another fingerprint; free space on the token, or "
                    + "use a token that holds data objects", e);
        }
        return k;
    }

    /**
     * The key with the creation time of the matching key in {@code certificate} (a certificate
     * exported earlier), for tokens without the stored record.
     *
     * @throws HsmkitException KEY when no key of the certificate is this token key
     */
    public static PgpTokenKey fromCertificate(TokenKey key, PgpCertificate certificate) {
        Iterator<PGPPublicKey> keys = certificate.ring().getPublicKeys();
        while (keys.hasNext()) {
            PGPPublicKey k = keys.next();
            Instant t = k.getCreationTime().toInstant();
            for (boolean encryption : new boolean[] {false, true}) {
                if (Arrays.equals(OpenPgpKeys.publicKey(key, t, encryption).getFingerprint(), k.getFingerprint())) {
                    return new PgpTokenKey(key, t);
                }
            }
        }
        throw HsmkitException.key("no key of the certificate " + certificate.fingerprint() + " is the token key '" + key.label() + "'",
                "name the certificate exported for this key");
    }

    public TokenKey key() {
        return key;
    }

    /** The OpenPGP creation time, in whole seconds. */
    public Instant creationTime() {
        return created;
    }

    /** The fingerprint of this key as a signing key (for RSA keys also as an encryption key). */
    public String signingFingerprint() {
        return OpenPgpKeys.hex(OpenPgpKeys.publicKey(key, created, false).getFingerprint());
    }

    /** The fingerprint of this key as an encryption key (an ECDH key for EC keys). */
    public String encryptionFingerprint() {
        return OpenPgpKeys.hex(OpenPgpKeys.publicKey(key, created, true).getFingerprint());
    }

    @Override
    public String toString() {
        return key.label() + " (OpenPGP, created " + created + ")";
    }
}
