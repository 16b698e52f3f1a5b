package org.hsmkit.core.openpgp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.PacketFormat;
import org.bouncycastle.openpgp.PGPSignature;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.openpgp.CertificateMaker;
import org.hsmkit.core.internal.openpgp.OpenPgpKeys;

/**
 * A revocation certificate for the OpenPGP certificate of a token key: a key revocation signature
 * (RFC 9580 type 0x20) made on the token by the primary key itself, as {@code gpg --gen-revoke}
 * writes one. Made while the key is at hand and kept apart from it, it lets its owner revoke the
 * certificate after the token is lost or its key exposed: importing it ({@code gpg --import})
 * revokes the certificate for good, for every signature and encryption from then on. Immutable.
 */
public final class PgpRevocation {
    /**
     * Why the key is revoked (RFC 9580 section 5.2.3.31). Readers such as gpg keep trusting
     * signatures a superseded or retired key made before its revocation; hsmkit's own verifier
     * trusts no signature by a revoked key, whatever the reason.
     */
    public enum Reason {
        /** No reason given (code 0); readers treat it like a compromise. */
        UNSPECIFIED(0, "no reason given"),
        /** A newer key replaces this one (code 1). */
        SUPERSEDED(1, "key superseded"),
        /** The private key may be in other hands (code 2): no signature by it is trusted, whenever made. */
        COMPROMISED(2, "key compromised"),
        /** The key is no longer used (code 3). */
        RETIRED(3, "key retired");

        private final int code;
        private final String description;

        Reason(int code, String description) {
            this.code = code;
            this.description = description;
        }

        /** The RFC 9580 reason code. */
        public int code() {
            return code;
        }

        /** The reason in words, as the revocation states it. */
        public String description() {
            return description;
        }
    }

    private final PGPSignature signature;
    private final String fingerprint;

    private PgpRevocation(PGPSignature signature, String fingerprint) {
        this.signature = signature;
        this.fingerprint = fingerprint;
    }

    /**
     * Makes the revocation on the token: one signature by {@code primary}, the primary key of the
     * certificate to revoke (the same key and creation time as {@code pgp export} used, or the
     * fingerprint will not match).
     *
     * @param comment a line of explanation for the certificate's readers; null or empty for none
     * @throws HsmkitException KEY when the key cannot sign
     */
    public static PgpRevocation make(PgpTokenKey primary, Reason reason, String comment) {
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(reason, "reason");
        if (comment != null && (comment.contains("\n") || comment.contains("\r"))) {
            throw new HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "the comment must be one line", "leave out the line break");
        }
        Instant now = Instant.now();
        Instant at = now.isBefore(primary.creationTime()) ? primary.creationTime() : now;
        PGPSignature sig = CertificateMaker.revocation(primary.key(), primary.creationTime(), reason.code, comment, at);
        return new PgpRevocation(sig, OpenPgpKeys.hex(OpenPgpKeys.publicKey(primary.key(), primary.creationTime(), false).getFingerprint()));
    }

    /** The fingerprint of the certificate this revokes. */
    public String certificateFingerprint() {
        return fingerprint;
    }

    /** The ASCII-armoured form, with a comment line that says what it is, as gpg writes it. */
    public String armored() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ArmoredOutputStream a = ArmoredOutputStream.builder().clearHeaders()
                .addComment("This is a revocation certificate for " + fingerprint).build(b)) {
            BCPGOutputStream p = new BCPGOutputStream(a, PacketFormat.CURRENT);
            signature.encode(p);
            p.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // Bouncy Castle names the armour after the first packet (SIGNATURE); gpg --import reads a
        // revocation only from a PUBLIC KEY BLOCK, which is what gpg --gen-revoke writes. The
        // armour's checksum covers the data, not these lines.
        return b.toString(StandardCharsets.US_ASCII).replace("-----BEGIN PGP SIGNATURE-----", "-----BEGIN PGP PUBLIC KEY BLOCK-----")
                .replace("-----END PGP SIGNATURE-----", "-----END PGP PUBLIC KEY BLOCK-----");
    }
}
