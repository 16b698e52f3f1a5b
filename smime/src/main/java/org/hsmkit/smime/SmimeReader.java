package org.hsmkit.smime;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import jakarta.mail.internet.MimeMessage;

import org.hsmkit.core.TokenKey;
import org.hsmkit.core.cms.CmsDecryptor;
import org.hsmkit.smime.internal.MessageWalker;
import org.hsmkit.smime.internal.SignatureChecks;

/**
 * Opens received S/MIME messages: removes every layer (encrypted, signed, compressed, in any
 * order and nesting) and reports what each proved. Reading never throws because a signature is
 * bad — that is in the report; it throws {@link org.hsmkit.core.HsmkitException} for messages it
 * cannot read (malformed, truncated, no key for an encrypted layer, decompression limits).
 *
 * <p>Signatures are checked against the given trust anchors at the validation time (default:
 * now). Revocation is checked only against CRLs the message carries and those given to
 * {@link Builder#crls} (nothing is fetched for mail); each signature report says what was checked.
 */
public final class SmimeReader {
    private final List<X509Certificate> anchors;
    private final List<TokenKey> keys;
    private final Supplier<List<TokenKey>> lazyKeys;
    private final Supplier<CmsDecryptor> named;
    private final DecompressionLimits limits;
    private final Instant validationTime;
    private final List<java.security.cert.X509CRL> crls;
    private final List<X509Certificate> intermediates;
    private final boolean revocationRequired;

    private SmimeReader(Builder b) {
        this.anchors = List.copyOf(b.anchors);
        this.keys = List.copyOf(b.keys);
        this.lazyKeys = b.lazyKeys;
        this.named = b.named;
        this.limits = b.limits;
        this.validationTime = b.validationTime;
        this.crls = List.copyOf(b.crls);
        this.intermediates = List.copyOf(b.intermediates);
        this.revocationRequired = b.revocationRequired;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Removes every layer and checks every signature. */
    public SmimeReport read(MimeMessage message) {
        return walker(false).read(message);
    }

    /**
     * Removes only the encryption and compression layers around the body, leaving any signature
     * in place so that it can still be verified later; {@link SmimeReport#message()} is the result.
     */
    public SmimeReport decrypt(MimeMessage message) {
        return walker(true).read(message);
    }

    private MessageWalker walker(boolean decryptOnly) {
        Instant at = validationTime != null ? validationTime : Instant.now();
        SignatureChecks checks = new SignatureChecks(anchors, at, crls, intermediates);
        return new MessageWalker(revocationRequired ? checks.requiringRevocation() : checks, decryptor(), limits, decryptOnly);
    }

    private Supplier<CmsDecryptor> decryptor() {
        if (named != null) {
            return named;
        }
        if (lazyKeys != null) {
            return () -> {
                List<TokenKey> all = new ArrayList<>(keys);
                all.addAll(lazyKeys.get());
                return CmsDecryptor.withKeys(all);
            };
        }
        return keys.isEmpty() ? null : () -> CmsDecryptor.withKeys(keys);
    }

    /** Options for a {@link SmimeReader}. */
    public static final class Builder {
        private Supplier<CmsDecryptor> named;
        private final List<X509Certificate> anchors = new ArrayList<>();
        private final List<X509Certificate> intermediates = new ArrayList<>();
        private final List<TokenKey> keys = new ArrayList<>();
        private Supplier<List<TokenKey>> lazyKeys;
        private DecompressionLimits limits = DecompressionLimits.DEFAULT;
        private Instant validationTime;
        private final List<java.security.cert.X509CRL> crls = new ArrayList<>();
        private boolean revocationRequired;

        private Builder() {
        }

        /**
         * A signature whose signer's path the CRLs (given and carried) do not cover is not valid, as
         * with {@code openssl smime -verify -crl_check_all}; by default it is, with a note.
         */
        public Builder requireRevocation() {
            this.revocationRequired = true;
            return this;
        }

        /**
         * CRLs to check signer certificates against, beside those the message carries: a current
         * CRL from the signer's CA shows a revocation that happened after the message was signed.
         */
        public Builder crls(List<java.security.cert.X509CRL> crls) {
            this.crls.addAll(crls);
            return this;
        }

        /**
         * Intermediate CA certificates to build signers' paths from, beside those a message
         * carries; they are not trusted, a path must still end at an anchor.
         */
        public Builder intermediates(List<X509Certificate> certificates) {
            this.intermediates.addAll(certificates);
            return this;
        }

        /** Certificates trusted as roots of signer certificate paths. Without any, no signature is valid. */
        public Builder trustAnchors(List<X509Certificate> anchors) {
            this.anchors.addAll(anchors);
            return this;
        }

        /** Keys for encrypted layers (the one a recipient entry names, by its certificate or key identifier, is used). */
        public Builder decryptWith(List<TokenKey> keys) {
            this.keys.addAll(keys);
            return this;
        }

        public Builder decryptWith(TokenKey key) {
            this.keys.add(Objects.requireNonNull(key));
            return this;
        }

        /**
         * Keys to try on encrypted layers, asked for only when the message has one: a token need
         * not be opened (nor a PIN asked) for a message that is only signed.
         */
        public Builder decryptWith(Supplier<List<TokenKey>> keys) {
            this.lazyKeys = Objects.requireNonNull(keys);
            return this;
        }

        /**
         * Decrypts with this key alone, the one the reader's user named: the recipient entry that
         * names it, or — when none does (the token holds no certificate for it) — each entry whose
         * algorithm and size fit it, one private-key operation per entry. When none opens, the
         * failure is the same one error whether an entry or the content failed its check, as
         * {@link CmsDecryptor#withKey(TokenKey)} gives for files. Asked for only when the message
         * has an encrypted layer. Replaces other keys.
         */
        public Builder decryptWithNamedKey(Supplier<TokenKey> key) {
            Objects.requireNonNull(key);
            this.named = () -> CmsDecryptor.withKey(key.get());
            return this;
        }

        /**
         * As {@link #decryptWithNamedKey}, with the key identified by {@code certificate} (a key
         * whose certificate is not on the token); the certificate must hold the key's public key.
         * Replaces other keys.
         */
        public Builder decryptWith(Supplier<TokenKey> key, X509Certificate certificate) {
            Objects.requireNonNull(certificate);
            this.named = () -> CmsDecryptor.withKey(key.get(), certificate);
            return this;
        }

        public Builder limits(DecompressionLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /** When to validate certificate paths; default: the time of reading. */
        public Builder validationTime(Instant time) {
            this.validationTime = time;
            return this;
        }

        public SmimeReader build() {
            return new SmimeReader(this);
        }
    }
}
