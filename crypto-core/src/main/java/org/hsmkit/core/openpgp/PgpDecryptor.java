package org.hsmkit.core.openpgp;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.openpgp.MessageDecryption;

/**
 * Decrypts OpenPGP messages (binary or armoured) with token keys, as a stream in constant memory;
 * recovering the session key costs one private-key operation on the token.
 *
 * <p>Guarantee: the plaintext appears at the {@link AtomicOutput}'s destination only after the
 * whole message was read and its integrity verified (the MDC of SEIPD v1, every chunk tag and the
 * final tag of SEIPD v2 or AEAD packets); on any failure nothing is released. Messages without
 * integrity protection (the old Symmetrically Encrypted Data packet) are refused, never decrypted.
 * Compressed content (GnuPG compresses by default) is inflated. Signatures inside the message
 * (gpg --sign --encrypt) are reported by key id, and verified only with
 * {@link #checkingSignatures}: then the message must be signed, every signature must verify, and
 * nothing is released otherwise.
 */
public final class PgpDecryptor {
    private final Supplier<? extends Collection<PgpTokenKey>> keys;
    private final PgpVerifier verifier;

    private PgpDecryptor(Supplier<? extends Collection<PgpTokenKey>> keys, PgpVerifier verifier) {
        this.keys = keys;
        this.verifier = verifier;
    }

    /** Decrypts with whichever of {@code keys} the message names as a recipient. */
    public static PgpDecryptor withKeys(Collection<PgpTokenKey> keys) {
        List<PgpTokenKey> copy = List.copyOf(keys);
        return new PgpDecryptor(() -> copy, null);
    }

    public static PgpDecryptor withKey(PgpTokenKey key) {
        return withKeys(List.of(key));
    }

    /**
     * Decrypts with whichever key of {@code token} that has an OpenPGP creation time stored the
     * message names. The keys are listed (and the token logged in) only once the message's header
     * has been read.
     */
    public static PgpDecryptor withKeysOf(Token token) {
        return new PgpDecryptor(() -> {
            List<PgpTokenKey> out = new ArrayList<>();
            for (TokenKey k : token.keys()) {
                PgpTokenKey.storedCreationTime(token, k).ifPresent(t -> out.add(PgpTokenKey.of(k, t)));
            }
            return out;
        }, null);
    }

    /**
     * Requires the message to be signed, and checks its signatures with {@code verifier} (its
     * keyring and rules, as for a signed file) while decrypting: an unsigned message, a bad
     * signature or an unknown, expired or revoked signer fails with VERIFICATION_FAILED and
     * nothing is released.
     */
    public PgpDecryptor checkingSignatures(PgpVerifier verifier) {
        return new PgpDecryptor(keys, java.util.Objects.requireNonNull(verifier, "verifier"));
    }

    /**
     * What was decrypted.
     *
     * @param recipientKey the fingerprint of the key the message was decrypted with
     * @param fileName the name stored in the message (informational; never used as a path)
     * @param signerKeyIds key ids of signatures inside the message, verified or not
     * @param signatures the signatures that verified, with {@link #checkingSignatures}; else empty
     */
    public record Decryption(PacketFormat format, String cipher, String keyReference, String recipientKey, String fileName,
            boolean compressed, List<String> signerKeyIds, List<VerifiedSignature> signatures, long plaintextBytes) {
    }

    /**
     * Decrypts {@code in} into {@code out} and commits {@code out} when everything checked out.
     *
     * @throws HsmkitException KEY when no key is a recipient (listing the recipients);
     *         VERIFICATION_FAILED for a failed integrity check, a wrong session key or a message
     *         without integrity protection, and with {@link #checkingSignatures} for a missing or
     *         failed signature; INPUT for damaged or unsupported messages
     */
    public Decryption decrypt(InputStream in, AtomicOutput out) {
        MessageDecryption d = MessageDecryption.open(in);
        InlineSignatureChecks checks = verifier == null ? null : verifier.inlineChecks(org.hsmkit.core.ErrorKind.VERIFICATION_FAILED);
        MessageDecryption.Result r = d.decrypt(keys, out.stream(), checks);
        // the integrity check passed: the signatures are checked over data known to be what was sent
        List<VerifiedSignature> verified = checks == null ? List.of() : checks.finish();
        out.commit();
        return new Decryption(r.format(), r.cipher(), r.key().key().reference(), r.recipientKey(), r.fileName(), r.compressed(),
                r.signerKeyIds(), verified, r.plaintextBytes());
    }
}
