package org.hsmkit.core.cms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.util.encoders.Hex;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.cms.Armor;
import org.hsmkit.core.internal.cms.ContentDecryption;
import org.hsmkit.core.internal.cms.EnvelopeReader;
import org.hsmkit.core.internal.cms.EnvelopeWriter;
import org.hsmkit.core.internal.cms.RecipientEntries;
import org.hsmkit.core.internal.cms.RecipientIdentity;
import org.hsmkit.core.internal.cms.WriteFailure;

/**
 * Changes who can open an encrypted CMS file without re-encrypting its content: the content key is
 * recovered once on the token, the recipient list is rewritten (recipients added, removed), and
 * the encrypted content and the GCM tag are copied byte for byte — as a stream, in constant
 * memory, for files of any size. While copying, the content is checked with the recovered key
 * (GCM tag, or CBC padding), so a wrong key or an altered file yields no output.
 *
 * <p>Re-wrapping is access management, not re-encryption: a removed recipient who kept the old
 * file, or learnt its content key, can still read the content. {@link Builder#reencrypt(boolean)}
 * re-encrypts under a fresh content key instead (the plaintext passes only through memory).
 *
 * <p>Recipients are added by certificate or as token keys (encrypt to yourself, as {@code
 * encrypt --to-key} does). Refuses (USAGE) to remove every recipient, to remove the caller's own entry unless
 * {@link Builder#allowRemovingOwnKey(boolean)}, to remove a recipient the file does not name, and to
 * add one it already names.
 *
 * <pre>{@code
 * CmsRewrapper.Rewrap r = CmsRewrapper.withKeysOf(token)
 *         .addRecipient(newColleague).removeRecipient(leaver).build()
 *         .rewrap(in, out);   // out: an AtomicOutput, committed on success
 * }</pre>
 */
public final class CmsRewrapper {
    private final CmsDecryptor keys;
    private final List<Addition> additions;
    private final List<Removal> removals;
    private final boolean removeOwn;
    private final RsaPadding padding;
    private final boolean reencrypt;

    private record Removal(RecipientIdentity identity, String name) {
    }

    /** A recipient to add: a certificate's holder, or a token key (by its certificate if it has one). */
    private record Addition(RecipientIdentity identity, String name, X509Certificate certificate, TokenKey key) {
        void addTo(RecipientSet.Builder set) {
            if (certificate != null) {
                set.add(certificate);
            } else {
                set.add(key);
            }
        }
    }

    private CmsRewrapper(Builder b) {
        this.keys = b.keys;
        this.additions = List.copyOf(b.additions);
        this.removals = List.copyOf(b.removals);
        this.removeOwn = b.removeOwn;
        this.padding = b.padding;
        this.reencrypt = b.reencrypt;
    }

    /** Opens the content key with whichever key of {@code token} the file names. */
    public static Builder withKeysOf(Token token) {
        return new Builder(CmsDecryptor.withKeysOf(token));
    }

    /** Opens the content key with this key (tried on fitting entries when the file does not name it). */
    public static Builder withKey(TokenKey key) {
        return new Builder(CmsDecryptor.withKey(key));
    }

    /** Opens the content key with this key, identified by a certificate kept outside the token. */
    public static Builder withKey(TokenKey key, X509Certificate certificate) {
        return new Builder(CmsDecryptor.withKey(key, certificate));
    }

    /** The changes to make. Defaults: RSA-OAEP SHA-256 for added RSA recipients, re-wrap only. */
    public static final class Builder {
        private final CmsDecryptor keys;
        private final List<Addition> additions = new ArrayList<>();
        private final List<Removal> removals = new ArrayList<>();
        private boolean removeOwn;
        private RsaPadding padding = RsaPadding.OAEP_SHA256;
        private boolean reencrypt;

        private Builder(CmsDecryptor keys) {
            this.keys = keys;
        }

        /** Adds a recipient (checked as {@link RecipientSet.Builder#add(X509Certificate)} checks it). */
        public Builder addRecipient(X509Certificate certificate) {
            additions.add(new Addition(RecipientIdentity.of(certificate), NameFormat.format(certificate.getSubjectX500Principal()),
                    certificate, null));
            return this;
        }

        /**
         * Adds a token key, as {@link RecipientSet.Builder#add(TokenKey)} does: by its certificate when
         * the token holds one, otherwise by its public key and that key's identifier.
         */
        public Builder addRecipient(TokenKey key) {
            additions.add(new Addition(RecipientIdentity.of(key.publicKey(), key.certificate()), "key '" + key.label() + "'", null,
                    Objects.requireNonNull(key)));
            return this;
        }

        /** Removes the recipient this certificate names (by issuer and serial or by key identifier). */
        public Builder removeRecipient(X509Certificate certificate) {
            removals.add(new Removal(RecipientIdentity.of(certificate), NameFormat.format(certificate.getSubjectX500Principal())));
            return this;
        }

        /**
         * Removes the recipient entry of this token key: by its certificate when the token holds
         * one, and by the key identifier of its public key (how {@code --to-key} names a key
         * without a certificate).
         */
        public Builder removeRecipient(TokenKey key) {
            removals.add(new Removal(RecipientIdentity.of(key.publicKey(), key.certificate()), "key '" + key.label() + "'"));
            return this;
        }

        /** Removes the recipient named by this subject key identifier. */
        public Builder removeKeyId(byte[] subjectKeyIdentifier) {
            removals.add(new Removal(RecipientIdentity.ofKeyId(subjectKeyIdentifier), "key id " + Hex.toHexString(subjectKeyIdentifier)));
            return this;
        }

        /** Lets the caller remove the entry of the key that opened the file (they lose access). */
        public Builder allowRemovingOwnKey(boolean allow) {
            this.removeOwn = allow;
            return this;
        }

        public Builder rsaPadding(RsaPadding padding) {
            this.padding = Objects.requireNonNull(padding);
            return this;
        }

        /**
         * Re-encrypts under a fresh content key instead of re-wrapping the old one. Every recipient
         * who stays needs a public key: give the certificates of the recipients who stay with
         * {@link #addRecipient} (the caller's own key is known).
         */
        public Builder reencrypt(boolean reencrypt) {
            this.reencrypt = reencrypt;
            return this;
        }

        public CmsRewrapper build() {
            return new CmsRewrapper(this);
        }
    }

    /**
     * What was done: the recipients after the change, those added and removed, and the bytes of
     * encrypted content copied (or, re-encrypting, of plaintext encrypted).
     */
    public record Rewrap(ContentCipher cipher, String keyReference, List<String> recipients, List<String> added, List<String> removed,
            long contentBytes, boolean reencrypted) {
    }

    /**
     * Reads {@code in} and writes the changed file into {@code out}, committing it when the content
     * checked out. PEM input gives PEM output.
     *
     * @throws HsmkitException USAGE for a refused change, KEY when no key opens the file,
     *         VERIFICATION_FAILED for altered content, INPUT for damaged files
     */
    public Rewrap rewrap(InputStream in, AtomicOutput out) {
        try {
            Armor.Opened armored = Armor.open(in);
            EnvelopeReader reader = EnvelopeReader.open(armored.der());
            List<RecipientEntries.Entry> entries = RecipientEntries.of(reader.recipientInfos());
            ContentKeyRecovery.Opened opened = ContentKeyRecovery.open(entries, keys.candidates(), keys.named(),
                    TokenRecipient.keyBytes(reader.contentAlgorithm()));
            Plan plan = plan(entries, opened);
            ContentDecryption cd = ContentDecryption.of(reader.contentAlgorithm(), opened.contentKey().clone());
            try {
                long n = reencrypt ? reencrypt(reader, cd, plan, opened, armored.pem(), out) : rewrap(reader, cd, plan, opened, armored.pem(), out);
                out.commit();
                return new Rewrap(reencrypt ? reencryptedWith(cd.cipher()) : cd.cipher(), opened.recipient().key().reference(), plan.remainingNames(), plan.addedNames(),
                        plan.removedNames(), n, reencrypt);
            } catch (HsmkitException e) {
                throw opened.tried() && e.kind() == ErrorKind.VERIFICATION_FAILED ? ContentKeyRecovery.notOpened(opened, e) : e;
            } finally {
                Arrays.fill(opened.contentKey(), (byte) 0);
            }
        } catch (IOException e) {
            throw HsmkitException.io("re-wrapping failed: " + e.getMessage(), e);
        } catch (HsmkitException e) {
            throw e;
        } catch (RuntimeException e) {
            throw EnvelopeReader.damaged(e);
        }
    }

    /** Which entries go, which stay, and who is added. */
    private record Plan(List<RecipientEntries.Entry> removed, List<String> removedNames, List<RecipientEntries.Entry> remaining,
            RecipientSet added, List<Addition> additions) {
        List<String> remainingNames() {
            List<String> names = new ArrayList<>(remaining.stream().map(RecipientEntries.Entry::identifier).toList());
            if (added != null) {
                names.addAll(added.names());
            }
            return names;
        }

        List<String> addedNames() {
            return added == null ? List.of() : added.names();
        }
    }

    private Plan plan(List<RecipientEntries.Entry> entries, ContentKeyRecovery.Opened opened) {
        List<RecipientEntries.Entry> removed = new ArrayList<>();
        List<String> removedNames = new ArrayList<>(); // who, as the caller named them, and the entry
        for (Removal r : removals) {
            List<RecipientEntries.Entry> hits = entries.stream().filter(e -> r.identity().matches(e)).toList();
            if (hits.isEmpty()) {
                throw new HsmkitException(ErrorKind.USAGE, r.name() + " is not a recipient of this file",
                        "see the recipients with hsmkit inspect FILE");
            }
            for (RecipientEntries.Entry h : hits) {
                if (removed.stream().noneMatch(h::samePlace)) {
                    removed.add(h);
                    removedNames.add(r.name() + " (" + h.identifier() + ")");
                }
            }
        }
        if (!removeOwn && removed.stream().anyMatch(opened.entry()::samePlace)) {
            throw new HsmkitException(ErrorKind.USAGE, "this would remove your own key ('" + opened.recipient().key().label()
                    + "') from the recipients: you could no longer open the result", "add --force if that is what you want");
        }
        List<RecipientEntries.Entry> remaining = entries.stream().filter(e -> removed.stream().noneMatch(e::samePlace)).toList();
        for (Addition a : additions) {
            boolean present = remaining.stream().anyMatch(a.identity()::matches);
            if (present && !reencrypt) {
                throw new HsmkitException(ErrorKind.USAGE, a.name() + " is already a recipient of this file",
                        "leave it out of the recipients to add");
            }
        }
        if (remaining.isEmpty() && additions.isEmpty()) {
            throw new HsmkitException(ErrorKind.USAGE, "this would remove the last recipient: nobody could open the result",
                    "keep at least one recipient, or add one with --add-recipient");
        }
        RecipientSet set = null;
        if (!additions.isEmpty()) {
            RecipientSet.Builder b = RecipientSet.builder();
            additions.forEach(a -> a.addTo(b));
            set = b.build();
        }
        return new Plan(removed, removedNames, remaining, set, additions);
    }

    /** Copies the content into the new file while checking it; returns the number of content bytes. */
    private long rewrap(EnvelopeReader reader, ContentDecryption cd, Plan plan, ContentKeyRecovery.Opened opened, boolean pem,
            AtomicOutput out) throws IOException {
        OutputStream target = WriteFailure.guard(out.stream());
        OutputStream der = pem ? Armor.armored(target, "CMS") : target;
        EnvelopeWriter writer = EnvelopeWriter.start(der, reader, plan.remaining(),
                plan.added() == null ? List.of() : plan.added().generators(cd.cipher(), padding), opened.contentKey());
        CountingCopy copy = new CountingCopy(reader.content(), writer.content());
        try {
            cd.run(copy, OutputStream.nullOutputStream());
        } catch (IOException e) {
            if (copy.writeFailure != null) {
                throw copy.writeFailure;
            }
            throw EnvelopeReader.damaged(e);
        }
        EnvelopeReader.Trailer trailer = reader.finish();
        requireNoAuthAttributes(trailer);
        cd.verify(trailer, null);
        writer.finish(trailer);
        if (pem) {
            der.close();
        }
        target.flush();
        return copy.count;
    }

    private long reencrypt(EnvelopeReader reader, ContentDecryption cd, Plan plan, ContentKeyRecovery.Opened opened, boolean pem,
            AtomicOutput out) {
        RecipientSet.Builder set = RecipientSet.builder();
        List<String> missing = new ArrayList<>();
        for (RecipientEntries.Entry e : plan.remaining()) {
            if (plan.additions().stream().anyMatch(a -> a.identity().matches(e))) {
                continue; // added below with the others
            }
            if (e.samePlace(opened.entry())) {
                set.add(opened.recipient().key());
            } else {
                missing.add(e.identifier());
            }
        }
        if (!missing.isEmpty()) {
            throw new HsmkitException(ErrorKind.USAGE, "re-encryption needs the public key of every recipient who stays; missing: "
                    + String.join("; ", missing), "give their certificates with --add-recipient (or their token keys with --add-key),"
                    + " or remove them with --remove-recipient");
        }
        plan.additions().forEach(a -> a.addTo(set));
        CmsEncryptor enc = CmsEncryptor.to(set.build()).cipher(reencryptedWith(cd.cipher())).rsaPadding(padding).armor(pem).build();
        long n = enc.encrypt(plain -> cd.run(reader.content(), plain), WriteFailure.guard(out.stream()));
        EnvelopeReader.Trailer trailer = reader.finish();
        requireNoAuthAttributes(trailer);
        try {
            cd.verify(trailer, null);
        } catch (IOException e) {
            throw HsmkitException.io("re-encryption failed: " + e.getMessage(), e);
        }
        return n;
    }

    /** The file's cipher, except that a legacy one (3DES) is replaced by the default: re-encrypting old files is how they leave it. */
    private static ContentCipher reencryptedWith(ContentCipher old) {
        return old.isWritable() ? old : ContentCipher.AES256_GCM;
    }

    private static void requireNoAuthAttributes(EnvelopeReader.Trailer trailer) {
        if (trailer.authAttributes() != null) {
            throw HsmkitException.input("the file carries authenticated attributes, which hsmkit cannot check without writing the plaintext",
                    "decrypt it and encrypt it again for the new recipients");
        }
    }

    /** Passes the ciphertext through to the new file as it is read; remembers a failed write. */
    private static final class CountingCopy extends InputStream {
        private final InputStream in;
        private final OutputStream copy;
        long count;
        IOException writeFailure;

        CountingCopy(InputStream in, OutputStream copy) {
            this.in = in;
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                try {
                    copy.write(b, off, n);
                } catch (IOException e) {
                    writeFailure = e;
                    throw e;
                }
                count += n;
            }
            return n;
        }
    }
}
