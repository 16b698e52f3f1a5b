package org.hsmkit.core.cms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.cms.Armor;
import org.hsmkit.core.internal.cms.ContentDecryption;
import org.hsmkit.core.internal.cms.EnvelopeReader;
import org.hsmkit.core.internal.cms.RecipientEntries;
import org.hsmkit.core.internal.cms.WriteFailure;

/**
 * Decrypts CMS EnvelopedData and AuthEnvelopedData files (DER or PEM, detected) with token keys,
 * as a stream in constant memory. The content key costs exactly one private-key operation.
 *
 * <p>Guarantee: the plaintext appears at the {@link AtomicOutput}'s destination only after the
 * whole file was read and, for GCM, the authentication tag verified; on any failure nothing is
 * released. CBC files carry no integrity protection: {@link Decryption#authenticated()} is false
 * and callers should say so.
 */
public final class CmsDecryptor {
    private final Supplier<? extends Collection<TokenKey>> keys;

    private CmsDecryptor(Supplier<? extends Collection<TokenKey>> keys) {
        this.keys = keys;
    }

    /** Decrypts with whichever of {@code keys} the file names as a recipient. */
    public static CmsDecryptor withKeys(Collection<TokenKey> keys) {
        List<TokenKey> copy = List.copyOf(keys);
        return new CmsDecryptor(() -> copy);
    }

    public static CmsDecryptor withKey(TokenKey key) {
        return withKeys(List.of(key));
    }

    /**
     * Decrypts with whichever key of {@code token} the file names. The token's keys are listed
     * (and the token logged in) only once the file's header has been read and found sound.
     */
    public static CmsDecryptor withKeysOf(Token token) {
        return new CmsDecryptor(token::keys);
    }

    /** What was decrypted. */
    public record Decryption(ContentCipher cipher, boolean authenticated, String keyReference, String recipient, long plaintextBytes) {
    }

    /**
     * Decrypts {@code in} into {@code out} and commits {@code out} when everything checked out.
     *
     * @throws HsmkitException KEY when no key is a recipient (listing the recipients),
     *         VERIFICATION_FAILED for a wrong tag, padding or wrapped key, INPUT for damaged files
     */
    public Decryption decrypt(InputStream in, AtomicOutput out) {
        try {
            Armor.Opened opened = Armor.open(in);
            EnvelopeReader reader = EnvelopeReader.open(opened.der());
            List<RecipientEntries.Entry> entries = RecipientEntries.of(reader.recipientInfos());
            List<TokenRecipient> candidates = keys.get().stream().map(TokenRecipient::new).toList();
            RecipientEntries.Entry entry = null;
            TokenRecipient recipient = null;
            for (RecipientEntries.Entry e : entries) {
                for (TokenRecipient r : candidates) {
                    if (recipient == null && e.matches(r)) {
                        entry = e;
                        recipient = r;
                    }
                }
            }
            if (recipient == null) {
                throw HsmkitException.key("no available key is a recipient of this file; its recipients are: "
                        + String.join("; ", entries.stream().map(e -> e.identifier() + " (" + e.keyType() + ")").toList()),
                        "use the token (or --key) that holds one of these keys");
            }
            int keyBytes = TokenRecipient.keyBytes(reader.contentAlgorithm());
            byte[] contentKey = entry.isKeyAgreement()
                    ? recipient.unwrapKeyAgreement(entry.keyEncryptionAlgorithm(), entry.originator(), entry.userKeyingMaterial(),
                            entry.encryptedKey(), keyBytes)
                    : recipient.unwrapKeyTransport(entry.keyEncryptionAlgorithm(), entry.encryptedKey(), keyBytes);
            ContentDecryption cd = ContentDecryption.of(reader.contentAlgorithm(), contentKey);
            if (cd.cipher().isAuthenticated() != reader.authenticated()) {
                throw HsmkitException.input("the content cipher " + cd.cipher().spec() + " does not fit the content type",
                        "the file is damaged");
            }
            long n;
            OutputStream sink = WriteFailure.guard(out.stream());
            try {
                n = cd.run(reader.content(), sink);
                sink.flush();
            } catch (IOException e) {
                // write failures left as HsmkitException IO above; what remains came from reading
                throw EnvelopeReader.damaged(e);
            }
            EnvelopeReader.Trailer trailer = reader.finish();
            cd.verify(trailer, out.temporaryFile());
            out.commit();
            return new Decryption(cd.cipher(), reader.authenticated(), recipient.key().reference(), entry.identifier(), n);
        } catch (IOException e) {
            throw HsmkitException.io("decryption failed: " + e.getMessage(), e);
        } catch (HsmkitException e) {
            throw e;
        } catch (RuntimeException e) {
            // Bouncy Castle's ASN.1 classes report a wrong structure with unchecked exceptions
            throw EnvelopeReader.damaged(e);
        }
    }
}
