package org.hsmkit.core.cms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.RecipientInformationStore;
import org.bouncycastle.operator.DefaultSecretKeySizeProvider;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.cms.Armor;
import org.hsmkit.core.internal.cms.ContentDecryption;
import org.hsmkit.core.internal.cms.EnvelopeReader;
import org.hsmkit.core.internal.cms.InMemoryGcm;
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
    private final Supplier<List<TokenRecipient>> keys;
    private final boolean named;

    private CmsDecryptor(Supplier<List<TokenRecipient>> keys, boolean named) {
        this.keys = keys;
        this.named = named;
    }

    /** Decrypts with whichever of {@code keys} the file names as a recipient (keys that cannot be one are left out). */
    public static CmsDecryptor withKeys(Collection<TokenKey> keys) {
        List<TokenKey> copy = List.copyOf(keys);
        return new CmsDecryptor(once(() -> TokenRecipient.usable(copy)), false);
    }

    /**
     * The recipients made at the first file and kept (they are immutable): making them hashes each
     * key's public key, which a batch would otherwise repeat for every file. Not for
     * {@link #withKeysOf}, which lists the token's keys when a file needs them.
     */
    private static Supplier<List<TokenRecipient>> once(Supplier<List<TokenRecipient>> make) {
        return new Supplier<>() {
            private volatile List<TokenRecipient> made;

            @Override
            public List<TokenRecipient> get() {
                List<TokenRecipient> m = made;
                if (m == null) {
                    m = make.get();
                    made = m;
                }
                return m;
            }
        };
    }

    /**
     * Decrypts with this key: the entry that names it, or — when the file does not name it (the
     * token holds no certificate for it) — each entry whose algorithm and size fit it, one
     * private-key operation per entry, with one error for every kind of failure.
     */
    public static CmsDecryptor withKey(TokenKey key) {
        return new CmsDecryptor(once(() -> List.of(new TokenRecipient(key))), true);
    }

    /**
     * Decrypts with this key identified by {@code certificate} (for keys whose certificate is not
     * on the token); the certificate must hold the key's public key.
     *
     * @throws HsmkitException KEY when it holds another key
     */
    public static CmsDecryptor withKey(TokenKey key, X509Certificate certificate) {
        TokenRecipient r = TokenRecipient.withCertificate(key, certificate);
        return new CmsDecryptor(() -> List.of(r), true);
    }

    /**
     * Decrypts with whichever key of {@code token} the file names. The token's keys are listed
     * (and the token logged in) only once the file's header has been read and found sound.
     */
    public static CmsDecryptor withKeysOf(Token token) {
        return new CmsDecryptor(() -> token.keys().stream().map(TokenRecipient::new).toList(), false);
    }

    /** The keys to try, for the classes of this package that open a file the same way. */
    List<TokenRecipient> candidates() {
        return keys.get();
    }

    boolean named() {
        return named;
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
            Armor.Opened armored = Armor.open(in);
            EnvelopeReader reader = EnvelopeReader.open(armored.der());
            List<RecipientEntries.Entry> entries = RecipientEntries.of(reader.recipientInfos());
            ContentKeyRecovery.Opened opened = ContentKeyRecovery.open(entries, keys.get(), named,
                    TokenRecipient.keyBytes(reader.contentAlgorithm()));
            try {
                return decrypt(reader, opened, out);
            } catch (HsmkitException e) {
                throw opened.tried() && e.kind() == ErrorKind.VERIFICATION_FAILED ? ContentKeyRecovery.notOpened(opened, e) : e;
            }
        } catch (IOException e) {
            throw HsmkitException.io("decryption failed: " + e.getMessage(), e);
        } catch (HsmkitException e) {
            throw e;
        } catch (RuntimeException e) {
            // Bouncy Castle's ASN.1 classes report a wrong structure with unchecked exceptions
            throw EnvelopeReader.damaged(e);
        }
    }

    /**
     * Opens enveloped or auth-enveloped data already in memory (an S/MIME part): the entry and the
     * content key are found as {@link #decrypt} finds them. AES-GCM content is decrypted and
     * checked at once by the JDK; other content by Bouncy Castle, which also knows the older
     * ciphers mail clients send (3DES), and is checked at the end of the returned stream. Either
     * way a read fails with an IOException when the content was altered, and nothing read before
     * may be used. For a key found by trying, that failure is
     * the one {@link ErrorKind#VERIFICATION_FAILED} error {@link #decrypt} gives, thrown by the read.
     *
     * @throws HsmkitException KEY when no key is a recipient (listing the recipients), INPUT for
     *         damaged data
     */
    public InputStream open(ContentInfo enveloped) {
        boolean authenticated = CMSObjectIdentifiers.authEnvelopedData.equals(enveloped.getContentType());
        ContentKeyRecovery.Opened opened = null;
        try {
            RecipientInformationStore store = null;
            ASN1Set recipientInfos;
            AlgorithmIdentifier contentAlgorithm;
            AuthEnvelopedData auth = null;
            if (authenticated) {
                // Bouncy Castle's recipient store only when the JDK's GCM below does not take the
                // content: parsing the structure copies the whole content into one array, and making
                // the store copied it twice more (2 MB of the 14 MB reading a 1 MB S/MIME message allocated)
                auth = AuthEnvelopedData.getInstance(enveloped.getContent());
                recipientInfos = auth.getRecipientInfos();
                contentAlgorithm = auth.getAuthEncryptedContentInfo().getContentEncryptionAlgorithm();
            } else {
                store = new CMSEnvelopedData(enveloped).getRecipientInfos();
                EnvelopedData data = EnvelopedData.getInstance(enveloped.getContent());
                recipientInfos = data.getRecipientInfos();
                contentAlgorithm = data.getEncryptedContentInfo().getContentEncryptionAlgorithm();
            }
            opened = ContentKeyRecovery.open(RecipientEntries.of(recipientInfos), keys.get(), named, contentKeyBytes(contentAlgorithm));
            InputStream content;
            if (auth != null && InMemoryGcm.covers(auth)) {
                content = InMemoryGcm.open(auth, opened.contentKey());
            } else {
                if (store == null) {
                    store = new CMSAuthEnvelopedData(enveloped).getRecipientInfos();
                }
                RecipientInformation information = store.get(opened.entry().recipientId());
                content = information.getContentStream(opened.recipient().recipient(information, authenticated, opened.contentKey()))
                        .getContentStream();
            }
            return opened.tried() ? ContentKeyRecovery.checkedContent(opened, content) : content;
        } catch (CMSException | IOException e) {
            // Bouncy Castle refused the content key or the content cipher before reading any content
            HsmkitException failure = HsmkitException.verification("cannot decrypt the content: " + e.getMessage(),
                    "the message was altered, or it was encrypted to another key with the same certificate");
            throw opened != null && opened.tried() ? ContentKeyRecovery.notOpened(opened, failure) : failure;
        } catch (HsmkitException e) {
            throw e;
        } catch (RuntimeException e) {
            throw EnvelopeReader.damaged(e);
        }
    }

    /**
     * The content key length: of hsmkit's ciphers, else of those Bouncy Castle knows, so that a
     * key found by trying and the random key in its place fit the cipher; 0 when unknown.
     */
    private static int contentKeyBytes(AlgorithmIdentifier contentAlgorithm) {
        int own = TokenRecipient.keyBytes(contentAlgorithm);
        return own > 0 ? own : Math.max(0, DefaultSecretKeySizeProvider.INSTANCE.getKeySize(contentAlgorithm) / 8);
    }

    private static Decryption decrypt(EnvelopeReader reader, ContentKeyRecovery.Opened opened, AtomicOutput out) throws IOException {
        RecipientEntries.Entry entry = opened.entry();
        TokenRecipient recipient = opened.recipient();
        ContentDecryption cd = ContentDecryption.of(reader.contentAlgorithm(), opened.contentKey());
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
    }
}
