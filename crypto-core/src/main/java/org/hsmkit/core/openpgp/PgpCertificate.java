package org.hsmkit.core.openpgp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.PacketFormat;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.openpgp.Bc;
import org.hsmkit.core.internal.openpgp.CertificateMaker;
import org.hsmkit.core.internal.openpgp.OpenPgpKeys;
import org.hsmkit.core.internal.openpgp.PgpPackets;

/**
 * An OpenPGP certificate (a transferable public key, RFC 9580 section 10.1): a primary key, user
 * ids and subkeys with their signatures. Read from a file written by GnuPG or any OpenPGP tool
 * (binary or ASCII-armoured; a keyring holds several), or made from token keys with
 * {@link #builder(PgpTokenKey)}. Immutable.
 */
public final class PgpCertificate {
    private final PGPPublicKeyRing ring;
    private OpenPGPCertificate checked;

    PgpCertificate(PGPPublicKeyRing ring) {
        this.ring = ring;
    }

    /**
     * Every certificate in {@code in} (armoured or binary, one or a keyring of several).
     *
     * @throws HsmkitException INPUT for a secret key, anything that is not a certificate, or no certificate at all
     */
    public static List<PgpCertificate> read(InputStream in) {
        return PgpPackets.readCertificates(in).stream().map(PgpCertificate::new).toList();
    }

    /** Every certificate in a file; INPUT error when it does not exist or holds none. */
    public static List<PgpCertificate> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        } catch (NoSuchFileException e) {
            throw HsmkitException.input("the certificate file " + file + " does not exist", "check the path");
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + file + ": " + e.getMessage(), e);
        } catch (HsmkitException e) {
            throw new HsmkitException(e.kind(), file + ": " + e.getMessage(), e.hint().orElse(null), e);
        }
    }

    /** Starts a certificate whose primary key is {@code primary}, a signing key on the token. */
    public static Builder builder(PgpTokenKey primary) {
        return new Builder(Objects.requireNonNull(primary, "primary"));
    }

    /**
     * The choices for a new certificate. {@link #build()} makes the self-signatures on the token:
     * one per user id, and one binding signature for the encryption subkey.
     */
    public static final class Builder {
        private final PgpTokenKey primary;
        private PgpTokenKey encryption;
        private final List<String> userIds = new ArrayList<>();
        private Instant expires;
        private Instant signatureTime;

        private Builder(PgpTokenKey primary) {
            this.primary = primary;
        }

        /**
         * The key others encrypt to. RSA or EC; it may be the primary key itself: an RSA key is
         * then one key that signs and encrypts, an EC key an ECDSA primary key with an ECDH subkey
         * on the same point.
         */
        public Builder encryptionKey(PgpTokenKey key) {
            this.encryption = key;
            return this;
        }

        /** A user id such as {@code Alice <alice@example.org>}; the first one added is the primary one. */
        public Builder userId(String userId) {
            if (userId == null || userId.isBlank()) {
                throw HsmkitException.input("a user id must not be empty", "give a name and mail address: 'Alice <alice@example.org>'");
            }
            userIds.add(userId);
            return this;
        }

        /** The certificate expires at this time (default: never). */
        public Builder expiresAt(Instant expires) {
            this.expires = expires;
            return this;
        }

        /** The time the self-signatures carry (default: now). */
        public Builder signedAt(Instant time) {
            this.signatureTime = time;
            return this;
        }

        /**
         * Signs the certificate on the token.
         *
         * @throws HsmkitException USAGE without a user id or with an expiry before the key's creation
         */
        public PgpCertificate build() {
            if (userIds.isEmpty()) {
                throw new HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "a certificate needs a user id", "add one with --user-id 'Name <mail>'");
            }
            Instant now = signatureTime != null ? signatureTime : Instant.now();
            Long validSeconds = null;
            if (expires != null) {
                long s = Duration.between(primary.creationTime(), expires).getSeconds();
                if (s <= 0 || !expires.isAfter(now)) {
                    throw new HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "the expiry " + expires + " is not in the future of the key's creation ("
                            + primary.creationTime() + ") and of now", "choose a later expiry");
                }
                validSeconds = s;
            }
            Instant signed = now.isBefore(primary.creationTime()) ? primary.creationTime() : now;
            return new PgpCertificate(CertificateMaker.make(primary.key(), primary.creationTime(),
                    encryption == null ? null : encryption.key(), encryption == null ? null : encryption.creationTime(),
                    userIds, validSeconds, signed));
        }
    }

    PGPPublicKeyRing ring() {
        return ring;
    }

    /** Bouncy Castle's view with signature checks (made once). */
    OpenPGPCertificate checked() {
        if (checked == null) {
            checked = new OpenPGPCertificate(ring, Bc.implementationFor(ring));
        }
        return checked;
    }

    /** The primary key's fingerprint: 40 upper-case hexadecimal digits. */
    public String fingerprint() {
        return OpenPgpKeys.hex(ring.getPublicKey().getFingerprint());
    }

    /** The primary key's 64-bit key id, 16 hexadecimal digits. */
    public String keyId() {
        return OpenPgpKeys.keyId(ring.getPublicKey().getKeyID());
    }

    /** The fingerprints of every key: the primary key first, then the subkeys. */
    public List<String> keyFingerprints() {
        List<String> out = new ArrayList<>();
        for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext();) {
            out.add(OpenPgpKeys.hex(it.next().getFingerprint()));
        }
        return out;
    }

    /** The user ids, in the order of the certificate (whether or not their self-signatures are valid). */
    public List<String> userIds() {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = ring.getPublicKey().getUserIDs(); it.hasNext();) {
            out.add(it.next());
        }
        return out;
    }

    /** The primary user id with a valid self-signature now, if any. */
    public Optional<String> primaryUserId() {
        try {
            OpenPGPCertificate.OpenPGPUserId uid = checked().getPrimaryUserId();
            return uid == null ? Optional.empty() : Optional.of(uid.getUserId());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The primary key's creation time. */
    public Instant creationTime() {
        return ring.getPublicKey().getCreationTime().toInstant();
    }

    /** When the primary key expires, if it does. */
    public Optional<Instant> expirationTime() {
        try {
            java.util.Date d = checked().getExpirationTime();
            return Optional.ofNullable(d).map(java.util.Date::toInstant);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The binary (non-armoured) encoding. */
    public byte[] encoded() {
        try {
            return ring.getEncoded(PacketFormat.CURRENT);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ASCII-armoured form ({@code -----BEGIN PGP PUBLIC KEY BLOCK-----}). */
    public String armored() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ArmoredOutputStream a = ArmoredOutputStream.builder().clearHeaders().build(b)) {
            BCPGOutputStream p = new BCPGOutputStream(a, PacketFormat.CURRENT);
            ring.encode(p, true);
            p.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PgpCertificate && Arrays.equals(encoded(), ((PgpCertificate) o).encoded());
    }

    @Override
    public int hashCode() {
        return fingerprint().hashCode();
    }

    @Override
    public String toString() {
        return fingerprint() + " " + userIds();
    }
}
