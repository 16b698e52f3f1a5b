package org.hsmkit.core.cms;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.cms.RecipientKeys;
import org.hsmkit.core.internal.cms.RsaKeyTransport;
import org.hsmkit.core.internal.soft.KeyTypes;

/**
 * The recipients of an encrypted file or message: certificates of other people and, to encrypt to
 * yourself, token keys. Every recipient is checked when added — supported key type and curve, and
 * a key usage that allows encryption ({@code keyEncipherment} for RSA, {@code keyAgreement} for
 * EC) — so that a bad recipient fails before any output exists.
 *
 * <p>RSA recipients get a {@code KeyTransRecipientInfo} (RSAES-OAEP SHA-256/MGF1-SHA-256 by
 * default, or PKCS#1 v1.5); EC recipients get a {@code KeyAgreeRecipientInfo} with a fresh
 * ephemeral key (RFC 5753 ephemeral-static ECDH, X9.63 KDF with SHA-256, SHA-384 or SHA-512 by
 * curve size, AES key wrap sized to the content cipher). Immutable.
 */
public final class RecipientSet {
    private final List<Entry> entries;
    private final RecipientNaming naming;
    /** Identity keys: two recipients with equal fields are still two entries. */
    private final Map<Entry, Map<RsaPadding, RecipientInfoGenerator>> rsaGenerators =
            Collections.synchronizedMap(new IdentityHashMap<>());

    private record Entry(X509Certificate certificate, PublicKey publicKey, byte[] ski, KeyType type, String name) {
    }

    private RecipientSet(List<Entry> entries, RecipientNaming naming) {
        this.entries = List.copyOf(entries);
        this.naming = naming;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A set of the given certificates. */
    public static RecipientSet of(Collection<X509Certificate> certificates) {
        Builder b = builder();
        certificates.forEach(b::add);
        return b.build();
    }

    /** Collects recipients; {@link #build()} refuses an empty set. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private RecipientNaming naming = RecipientNaming.ISSUER_AND_SERIAL;

        private Builder() {
        }

        /** How the file names recipients that have a certificate (default: issuer and serial). */
        public Builder naming(RecipientNaming naming) {
            this.naming = java.util.Objects.requireNonNull(naming);
            return this;
        }

        /**
         * Adds a certificate's holder.
         *
         * @throws HsmkitException INPUT when the key type is unsupported or the key usage forbids encryption
         */
        public Builder add(X509Certificate certificate) {
            X509Certificate cert;
            String name;
            PublicKey key;
            try {
                cert = RecipientKeys.toBc(certificate);
                name = NameFormat.format(cert.getSubjectX500Principal());
                key = cert.getPublicKey();
            } catch (HsmkitException e) {
                throw e;
            } catch (RuntimeException e) {
                throw HsmkitException.input("the certificate " + certificate.getSubjectX500Principal() + " holds a public key that cannot be read ("
                        + e.getMessage() + ")", "give the recipient's intact certificate", e);
            }
            if (key == null) {
                throw HsmkitException.input("the certificate " + name + " holds no public key hsmkit can read", "give the recipient's intact certificate");
            }
            KeyType type = KeyTypes.of(key);
            checkKeyUsage(cert, type, name);
            entries.add(new Entry(cert, key, null, type, name));
            return this;
        }

        public Builder addAll(Collection<X509Certificate> certificates) {
            certificates.forEach(this::add);
            return this;
        }

        /**
         * Adds a token key (encrypt to yourself): by its certificate when it has one, otherwise by
         * its public key and the SHA-1 subject key identifier of that key.
         */
        public Builder add(TokenKey key) {
            if (key.certificate().isPresent()) {
                return add(key.certificate().get());
            }
            PublicKey pub = RecipientKeys.toBc(key.publicKey());
            entries.add(new Entry(null, pub, RecipientKeys.subjectKeyIdentifier(pub), KeyTypes.of(pub),
                    "token key '" + key.label() + "'"));
            return this;
        }

        /** @throws HsmkitException USAGE when no recipient was added */
        public RecipientSet build() {
            if (entries.isEmpty()) {
                throw new HsmkitException(ErrorKind.USAGE, "no recipients", "name at least one recipient certificate or key");
            }
            return new RecipientSet(entries, naming);
        }
    }

    private static void checkKeyUsage(X509Certificate cert, KeyType type, String name) {
        boolean[] ku = cert.getKeyUsage();
        if (ku != null) {
            // bit 2 keyEncipherment, bit 4 keyAgreement
            boolean allowed = type.isRsa() ? ku.length > 2 && ku[2] : ku.length > 4 && ku[4];
            if (!allowed) {
                throw HsmkitException.input("the certificate of " + name + " does not allow "
                        + (type.isRsa() ? "key encipherment" : "key agreement") + " (its key usage forbids encryption)",
                        "ask the recipient for their encryption certificate");
            }
        }
        try {
            cert.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw HsmkitException.input("the certificate of " + name + " is not valid now (valid "
                    + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant() + ")",
                    "ask the recipient for a current certificate");
        }
    }

    public int size() {
        return entries.size();
    }

    /** One line per recipient: the certificate subject or the token key. */
    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /** Recipient certificates (token keys without one are left out). */
    public List<X509Certificate> certificates() {
        return entries.stream().filter(e -> e.certificate() != null).map(Entry::certificate).toList();
    }

    /**
     * One Bouncy Castle generator per recipient, for a CMS enveloped-data generator. Each EC
     * recipient gets its own fresh ephemeral key pair.
     */
    public List<RecipientInfoGenerator> generators(ContentCipher cipher, RsaPadding padding) {
        List<RecipientInfoGenerator> out = new ArrayList<>();
        try {
            for (Entry e : entries) {
                out.add(e.type().isRsa() ? rsaGenerator(e, padding) : ecGenerator(e, cipher));
            }
        } catch (GeneralSecurityException ex) {
            throw new HsmkitException(ErrorKind.KEY, "cannot prepare the recipients: " + ex.getMessage(), null, ex);
        }
        return out;
    }

    /**
     * An RSA recipient's generator is made once per padding and shared by every file (and thread):
     * it keeps no state between messages (each wrap makes its own cipher), and making it parses the
     * certificate again, which was a tenth of the time of a batch of small files.
     */
    private RecipientInfoGenerator rsaGenerator(Entry e, RsaPadding padding) throws GeneralSecurityException {
        Map<RsaPadding, RecipientInfoGenerator> byPadding = rsaGenerators.computeIfAbsent(e, k -> new ConcurrentHashMap<>());
        RecipientInfoGenerator g = byPadding.get(padding);
        if (g == null) {
            // the JDK's RSA-OAEP and PKCS#1: no Bouncy Castle provider to load
            RsaKeyTransport wrapper = new RsaKeyTransport(rsaAlgorithm(padding), padding, e.publicKey());
            g = byCertificate(e) ? new JceKeyTransRecipientInfoGenerator(e.certificate(), wrapper)
                    : new JceKeyTransRecipientInfoGenerator(skiOf(e), wrapper);
            byPadding.putIfAbsent(padding, g);
        }
        return g;
    }

    /**
     * A generator with a fresh ephemeral key pair: never shared between messages. The pair is made
     * on the curve named, not on the recipient key's parameters: from those, Bouncy Castle takes
     * its generic arithmetic, and a batch of small files spent four times as long on the key pairs.
     */
    private RecipientInfoGenerator ecGenerator(Entry e, ContentCipher cipher) throws GeneralSecurityException {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", Providers.bc());
        java.util.Optional<String> curve = e.type().curveName();
        if (curve.isPresent()) {
            kpg.initialize(new java.security.spec.ECGenParameterSpec(curve.get()));
        } else {
            kpg.initialize(((ECPublicKey) e.publicKey()).getParams());
        }
        KeyPair eph = kpg.generateKeyPair();
        JceKeyAgreeRecipientInfoGenerator g = new JceKeyAgreeRecipientInfoGenerator(kdfFor(e.type()),
                eph.getPrivate(), eph.getPublic(), cipher.keyWrapOid());
        g.setProvider(Providers.bc());
        if (byCertificate(e)) {
            g.addRecipient(e.certificate());
        } else {
            g.addRecipient(skiOf(e), e.publicKey());
        }
        return g;
    }

    private boolean byCertificate(Entry e) {
        return e.certificate() != null && naming == RecipientNaming.ISSUER_AND_SERIAL;
    }

    private static byte[] skiOf(Entry e) {
        return e.ski() != null ? e.ski() : e.certificate() == null ? null
                : RecipientKeys.skiExtension(e.certificate()).orElseGet(() -> RecipientKeys.subjectKeyIdentifier(e.publicKey()));
    }

    /** The ECDH KDF for a curve: SHA-256 up to 256-bit curves, SHA-384 for 384, SHA-512 above. */
    static ASN1ObjectIdentifier kdfFor(KeyType type) {
        if (type.bits() <= 256) {
            return CMSAlgorithm.ECDH_SHA256KDF;
        }
        return type.bits() <= 384 ? CMSAlgorithm.ECDH_SHA384KDF : CMSAlgorithm.ECDH_SHA512KDF;
    }

    static AlgorithmIdentifier rsaAlgorithm(RsaPadding padding) {
        if (padding == RsaPadding.PKCS1) {
            return new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
        }
        AlgorithmIdentifier hash;
        switch (padding) {
            case OAEP_SHA1:
                hash = new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE);
                break;
            case OAEP_SHA384:
                hash = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha384, DERNull.INSTANCE);
                break;
            case OAEP_SHA512:
                hash = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha512, DERNull.INSTANCE);
                break;
            default:
                hash = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
        }
        return new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, new RSAESOAEPparams(hash,
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, hash), RSAESOAEPparams.DEFAULT_P_SOURCE_ALGORITHM));
    }
}
