package org.hsmkit.core.cms;

import java.math.BigInteger;
import java.security.Key;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cms.KeyAgreeRecipientId;
import org.bouncycastle.cms.KeyTransRecipientId;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientId;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.RecipientInformationStore;
import org.bouncycastle.cms.jcajce.JceKeyAgreeAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.cms.ImplicitRejection;
import org.hsmkit.core.internal.cms.KeyUnwrap;
import org.hsmkit.core.internal.cms.RecipientEntries;
import org.hsmkit.core.internal.cms.RecipientIdentity;
import org.hsmkit.core.internal.cms.RecipientKeys;

/**
 * A token key acting as the recipient of CMS enveloped or auth-enveloped data. It recovers the
 * content key with exactly one private-key operation on the token — one {@link TokenKey#decrypt}
 * for RSA key transport, one {@link TokenKey#agree} for EC key agreement — and does the KDF and
 * AES key unwrap on the host.
 *
 * <p>On reading it accepts what openssl and gpgsm write: RSA PKCS#1 v1.5 and OAEP with SHA-1,
 * SHA-256, SHA-384 or SHA-512 (MGF1 with the same hash); ECDH with the X9.63 KDF over SHA-1,
 * SHA-224, SHA-256, SHA-384 or SHA-512 (standard or cofactor DH) and AES-128/192/256 key wrap.
 */
public final class TokenRecipient {
    private final TokenKey key;
    private final PublicKey publicKey;
    private final RecipientIdentity identity;

    public TokenRecipient(TokenKey key) {
        this(key, key.certificate());
    }

    private TokenRecipient(TokenKey key, Optional<X509Certificate> cert) {
        this.key = key;
        // as the token gives it: the identifiers are the same for any provider's key object, and
        // converting every token key to Bouncy Castle's set up its provider (0.1-0.3 s) for an RSA file
        this.publicKey = key.publicKey();
        this.identity = RecipientIdentity.of(publicKey, cert);
    }

    /**
     * A token key identified by a certificate kept outside the token (a key made with
     * {@code pkcs11-tool}, a read-only module).
     *
     * @throws HsmkitException KEY when the certificate holds another public key than the token key
     */
    public static TokenRecipient withCertificate(TokenKey key, X509Certificate certificate) {
        key.withCertificate(certificate); // refuses a certificate of another key
        return new TokenRecipient(key, Optional.of(certificate));
    }

    public TokenKey key() {
        return key;
    }

    /** Whether this key could be the recipient of an entry by algorithm and size (for trying keys the file does not name). */
    public boolean fits(RecipientEntries.Entry entry) {
        if (entry.isKeyTransport()) {
            return key.type().isRsa() && entry.encryptedKey().length == (key.type().bits() + 7) / 8;
        }
        if (entry.isKeyAgreement() && key.type().isEc()) {
            int field = (key.type().bits() + 7) / 8;
            return entry.originator().getPublicKeyData().getBytes().length == 2 * field + 1;
        }
        return false;
    }

    /** Whether a recipient identified by issuer and serial number is this key's certificate. */
    public boolean matches(IssuerAndSerialNumber ias) {
        return identity.matches(ias);
    }

    /** Whether a subject key identifier names this key (its certificate's, or the SHA-1 of its key). */
    public boolean matches(byte[] subjectKeyIdentifier) {
        return identity.matches(subjectKeyIdentifier);
    }

    /** Whether a Bouncy Castle recipient id names this key. */
    public boolean matches(RecipientId rid) {
        Rid r = Rid.of(rid);
        if (r.ski() != null && matches(r.ski())) {
            return true;
        }
        return r.issuer() != null && r.serial() != null && matches(new IssuerAndSerialNumber(r.issuer(), r.serial()));
    }

    /** The parts of a key-transport or key-agreement recipient id. */
    private record Rid(X500Name issuer, BigInteger serial, byte[] ski) {
        static Rid of(RecipientId rid) {
            if (rid instanceof KeyTransRecipientId kt) {
                return new Rid(kt.getIssuer(), kt.getSerialNumber(), kt.getSubjectKeyIdentifier());
            }
            if (rid instanceof KeyAgreeRecipientId ka) {
                return new Rid(ka.getIssuer(), ka.getSerialNumber(), ka.getSubjectKeyIdentifier());
            }
            return new Rid(null, null, null);
        }
    }

    /**
     * Finds the recipient entry meant for one of {@code keys}.
     *
     * @throws HsmkitException KEY when none matches, listing the recipients the data names
     */
    static Selected select(RecipientInformationStore store, Collection<TokenKey> keys) {
        return selectAmong(store, usable(keys));
    }

    /** The keys that can be recipients at all (RSA or EC with a known public key), as recipients. */
    public static List<TokenRecipient> usable(Collection<TokenKey> keys) {
        return keys.stream().filter(k -> k.publicKeyKnown() && (k.type().isRsa() || k.type().isEc())).map(TokenRecipient::new).toList();
    }

    /** As {@link #select}, among recipients already made (for instance with {@link #withCertificate}). */
    static Selected selectAmong(RecipientInformationStore store, List<TokenRecipient> candidates) {
        for (RecipientInformation ri : store.getRecipients()) {
            for (TokenRecipient tr : candidates) {
                if (tr.matches(ri.getRID())) {
                    return new Selected(tr, ri);
                }
            }
        }
        List<String> names = store.getRecipients().stream().map(ri -> describe(ri.getRID())).toList();
        throw HsmkitException.key("none of the keys on the token is a recipient; the recipients are: " + String.join("; ", names),
                "use the token that holds one of these keys, or name the key with --key");
    }

    /** A recipient entry and the token key that can open it. */
    record Selected(TokenRecipient recipient, RecipientInformation information) {
    }

    /** Names a recipient id for messages: issuer and serial, or the key identifier. */
    static String describe(RecipientId rid) {
        Rid r = Rid.of(rid);
        if (r.issuer() != null && r.serial() != null) {
            return RecipientKeys.describe(new IssuerAndSerialNumber(r.issuer(), r.serial()));
        }
        return r.ski() != null ? RecipientKeys.describeSki(r.ski()) : "recipient of type " + rid.getType();
    }

    /**
     * A Bouncy Castle {@link Recipient} for {@link RecipientInformation#getContent} or
     * {@code getContentStream}: key transport or key agreement as the entry needs, for
     * EnvelopedData ({@code authenticated == false}) or AuthEnvelopedData. The content cipher is
     * Bouncy Castle's, named explicitly: hsmkit never registers a provider globally, and the JDK
     * alone cannot parse CMS AES-GCM parameters.
     */
    Recipient recipient(RecipientInformation information, boolean authenticated) {
        return recipient(information, authenticated, (keyEncAlg, contentAlg, originator, ukm, encryptedKey) -> originator != null
                ? unwrapKeyAgreement(keyEncAlg, originator, ukm, encryptedKey, keyBytes(contentAlg))
                : unwrapKeyTransport(keyEncAlg, encryptedKey, keyBytes(contentAlg)));
    }

    /**
     * As {@link #recipient(RecipientInformation, boolean)}, handing over a content key already
     * recovered (by {@link ContentKeyRecovery}) instead of recovering it again.
     */
    Recipient recipient(RecipientInformation information, boolean authenticated, byte[] contentKey) {
        return recipient(information, authenticated, (keyEncAlg, contentAlg, originator, ukm, encryptedKey) -> contentKey);
    }

    /** Where a Bouncy Castle recipient gets the content key from; {@code originator} is null for key transport. */
    private interface ContentKeySource {
        byte[] contentKey(AlgorithmIdentifier keyEncAlg, AlgorithmIdentifier contentAlg, SubjectPublicKeyInfo originator, byte[] ukm,
                byte[] encryptedKey);
    }

    private Recipient recipient(RecipientInformation information, boolean authenticated, ContentKeySource source) {
        boolean agree = information.getRID() instanceof KeyAgreeRecipientId;
        if (agree) {
            AlgorithmIdentifier keyAlg = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()).getAlgorithm();
            if (authenticated) {
                return new JceKeyAgreeAuthEnvelopedRecipient(null) {
                    @Override
                    protected Key extractSecretKey(AlgorithmIdentifier keyEncAlg, AlgorithmIdentifier contentAlg,
                            SubjectPublicKeyInfo sender, ASN1OctetString ukm, byte[] encryptedKey) {
                        return aesKey(source.contentKey(keyEncAlg, contentAlg, sender, ukm == null ? null : ukm.getOctets(), encryptedKey));
                    }
                }.setPrivateKeyAlgorithmIdentifier(keyAlg).setContentProvider(Providers.bc());
            }
            return new JceKeyAgreeEnvelopedRecipient(null) {
                @Override
                protected Key extractSecretKey(AlgorithmIdentifier keyEncAlg, AlgorithmIdentifier contentAlg,
                        SubjectPublicKeyInfo sender, ASN1OctetString ukm, byte[] encryptedKey) {
                    return aesKey(source.contentKey(keyEncAlg, contentAlg, sender, ukm == null ? null : ukm.getOctets(), encryptedKey));
                }
            }.setPrivateKeyAlgorithmIdentifier(keyAlg).setContentProvider(Providers.bc());
        }
        if (authenticated) {
            return new JceKeyTransAuthEnvelopedRecipient(null) {
                @Override
                protected Key extractSecretKey(AlgorithmIdentifier keyEncAlg, AlgorithmIdentifier contentAlg, byte[] encryptedKey) {
                    return aesKey(source.contentKey(keyEncAlg, contentAlg, null, null, encryptedKey));
                }
            }.setContentProvider(Providers.bc());
        }
        return new JceKeyTransEnvelopedRecipient(null) {
            @Override
            protected Key extractSecretKey(AlgorithmIdentifier keyEncAlg, AlgorithmIdentifier contentAlg, byte[] encryptedKey) {
                return aesKey(source.contentKey(keyEncAlg, contentAlg, null, null, encryptedKey));
            }
        }.setContentProvider(Providers.bc());
    }

    private static Key aesKey(byte[] k) {
        return new SecretKeySpec(k, "AES");
    }

    /**
     * RSA key transport: one {@link TokenKey#decrypt} call. Returns the content key.
     *
     * <p>When the wrapped key does not decrypt (bad padding) or decrypts to a key of the wrong
     * length, a random key of {@code contentKeyBytes} takes its place (RFC 3218, section 2.3): the
     * content then fails its authentication check (GCM) or padding check (CBC) exactly as tampered
     * content would, so no error, message or early exit tells a padding failure apart from a bad
     * tag — the oracle behind Bleichenbacher's attack stays shut.
     *
     * @param contentKeyBytes the length the content cipher needs, or 0 when unknown (no length check)
     */
    public byte[] unwrapKeyTransport(AlgorithmIdentifier keyEncryptionAlgorithm, byte[] encryptedKey, int contentKeyBytes) {
        return ImplicitRejection.keyOrRandom(tryKeyTransport(keyEncryptionAlgorithm, encryptedKey), contentKeyBytes);
    }

    /** RSA key transport; null when the wrapped key does not decrypt. Callers must not reveal which. */
    byte[] tryKeyTransport(AlgorithmIdentifier keyEncryptionAlgorithm, byte[] encryptedKey) {
        RsaPadding padding = KeyUnwrap.rsaPadding(keyEncryptionAlgorithm); // public: may be refused openly
        try {
            return this.key.decrypt(padding, encryptedKey);
        } catch (HsmkitException e) {
            if (e.kind() != ErrorKind.INPUT) {
                throw e; // token, PIN or mechanism trouble: nothing about the data
            }
            return null;
        }
    }

    /**
     * ECDH key agreement: one {@link TokenKey#agree} call with the originator's key, then the X9.63
     * KDF and AES key unwrap on the host. Returns the content key; like key transport, a key that
     * does not unwrap or has the wrong length is replaced by a random one.
     *
     * @param contentKeyBytes the length the content cipher needs, or 0 when unknown
     */
    public byte[] unwrapKeyAgreement(AlgorithmIdentifier keyEncryptionAlgorithm, SubjectPublicKeyInfo originator,
            byte[] userKeyingMaterial, byte[] encryptedKey, int contentKeyBytes) {
        return ImplicitRejection.keyOrRandom(tryKeyAgreement(keyEncryptionAlgorithm, originator, userKeyingMaterial, encryptedKey),
                contentKeyBytes);
    }

    /** ECDH key agreement; null when the wrapped key does not unwrap. */
    byte[] tryKeyAgreement(AlgorithmIdentifier keyEncryptionAlgorithm, SubjectPublicKeyInfo originator,
            byte[] userKeyingMaterial, byte[] encryptedKey) {
        KeyUnwrap.Agreement plan = KeyUnwrap.agreement(keyEncryptionAlgorithm);
        ECPublicKey peer = RecipientKeys.originatorKey(originator.getAlgorithm(), originator.getPublicKeyData().getBytes(), publicKey);
        byte[] z = key.agree(peer);
        try {
            return plan.unwrap(z, userKeyingMaterial, encryptedKey);
        } catch (HsmkitException e) {
            if (e.kind() != ErrorKind.VERIFICATION_FAILED) {
                throw e;
            }
            return null;
        } finally {
            Arrays.fill(z, (byte) 0);
        }
    }

    /** The key length of a content-encryption algorithm hsmkit knows; 0 for others. */
    static int keyBytes(AlgorithmIdentifier contentAlgorithm) {
        return ContentCipher.fromOid(contentAlgorithm.getAlgorithm()).map(ContentCipher::keyBytes).orElse(0);
    }
}
