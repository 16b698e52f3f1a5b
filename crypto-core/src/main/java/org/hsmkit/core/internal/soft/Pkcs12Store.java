package org.hsmkit.core.internal.soft;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.bc.BcDefaultDigestProvider;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS12SecretBag;
import org.bouncycastle.pkcs.PKCS12SecretBagBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilderProvider;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinException;
import org.hsmkit.core.internal.Providers;

/**
 * Reads and writes the software token's PKCS#12 file with Bouncy Castle's PKCS#12 structures,
 * so that each key keeps its id (the {@code localKeyId} bag attribute, PKCS#11's CKA_ID) and its
 * label ({@code friendlyName}, CKA_LABEL).
 *
 * <p>Written files use what OpenSSL 3 and the JDK write by default, with more iterations: keys in
 * PKCS#8 shrouded key bags under PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), certificates in one
 * PBES2-encrypted safe, and an HMAC-SHA256 integrity MAC. {@code openssl pkcs12} and
 * {@code keytool} read them. Read files may also come from those tools: keys are paired with
 * certificates by {@code localKeyId}, else by public key.
 */
final class Pkcs12Store {
    /** PBKDF2 iterations per key and MAC iterations; about 0.1 s each on a current machine. */
    private static final int ITERATIONS = 100_000;

    /**
     * A private key as the file holds it: decrypted only when first used (decryption costs a
     * PBKDF2 run), and written back in its encrypted form when unchanged.
     */
    static final class StoredKey {
        private final PKCS8EncryptedPrivateKeyInfo sealed;
        private final InputDecryptorProvider decryptor;
        private PrivateKey plain;

        private StoredKey(PKCS8EncryptedPrivateKeyInfo sealed, InputDecryptorProvider decryptor, PrivateKey plain) {
            this.sealed = sealed;
            this.decryptor = decryptor;
            this.plain = plain;
        }

        /** A new key, encrypted when the file is written. */
        static StoredKey of(PrivateKey key) {
            return new StoredKey(null, null, key);
        }

        synchronized PrivateKey get() {
            if (plain == null) {
                try {
                    plain = PrivateKeys.fromPkcs8(sealed.decryptPrivateKeyInfo(decryptor).getEncoded());
                } catch (PKCSException | IOException | IllegalArgumentException | IllegalStateException | ClassCastException e) {
                    if (e.getCause() instanceof HsmkitException h) {
                        throw h;
                    }
                    throw new HsmkitException(org.hsmkit.core.ErrorKind.KEY, "a key of the soft token cannot be decrypted: "
                            + e.getMessage(), "keys of a closed soft token cannot be used; otherwise the file is damaged", e);
                }
            }
            return plain;
        }
    }

    /** A key with its certificate (a {@link PlaceholderCertificate} when none was stored). */
    record KeyEntry(StoredKey privateKey, PublicKey publicKey, X509Certificate certificate, String label, byte[] id) {
        KeyEntry {
            id = id.clone();
        }

        @Override
        public byte[] id() {
            return id.clone();
        }
    }

    /**
     * A data object: a PKCS#12 secret bag of type id-data holding the value as an OCTET STRING, with
     * the label as friendlyName and the application as an X.520 description attribute. Private
     * objects are kept in the encrypted safe, public ones in a plain (MAC-protected) safe.
     */
    record DataEntry(String label, String application, byte[] value, boolean privateObject) {
        DataEntry {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    /**
     * Everything in the file: key entries, the certificates that belong to no key (issuers), and
     * data objects.
     */
    record Contents(List<KeyEntry> keys, List<X509Certificate> otherCertificates, List<DataEntry> data) {
        Contents {
            keys = List.copyOf(keys);
            otherCertificates = List.copyOf(otherCertificates);
            data = List.copyOf(data);
        }

        static Contents empty() {
            return new Contents(List.of(), List.of(), List.of());
        }

        /**
         * The same contents with every key decrypted, so that the next write encrypts each under its
         * passphrase (a kept encrypted form would stay under the old one).
         */
        Contents unsealed() {
            return withKeys(keys.stream().map(k -> new KeyEntry(StoredKey.of(k.privateKey().get()), k.publicKey(), k.certificate(),
                    k.label(), k.id())).toList(), otherCertificates);
        }

        Contents withKeys(List<KeyEntry> newKeys, List<X509Certificate> newOthers) {
            return new Contents(newKeys, newOthers, data);
        }

        Contents withData(List<DataEntry> newData) {
            return new Contents(keys, otherCertificates, newData);
        }
    }

    private Pkcs12Store() {
    }

    /**
     * Parses a PKCS#12 file.
     *
     * @throws PinException when the passphrase does not fit the integrity MAC
     * @throws HsmkitException INPUT when the bytes are not a PKCS#12 file hsmkit can read
     */
    static Contents read(byte[] encoded, char[] passphrase, String name) {
        PKCS12PfxPdu pfx;
        try {
            pfx = new PKCS12PfxPdu(encoded);
        } catch (IOException | RuntimeException e) {
            throw HsmkitException.input(name + " is not a PKCS#12 file", "check the path after soft:", e);
        }
        if (pfx.toASN1Structure() == null) {
            throw HsmkitException.input(name + " is empty, not a PKCS#12 file", "check the path after soft:");
        }
        try {
            Pkcs12Limits.checkMac(pfx.toASN1Structure().getMacData(), name);
            // Bouncy Castle's lightweight MAC and the JDK's PBES2 where they serve: no JCA provider set-up
            if (pfx.hasMac() && !pfx.isMacValid(new BcPKCS12MacCalculatorBuilderProvider(BcDefaultDigestProvider.INSTANCE),
                    passphrase)) {
                throw wrongPassphrase(name);
            }
            InputDecryptorProvider decryptor = new Pbes2Decryption(passphrase, name);
            List<PKCS12SafeBag> keyBags = new ArrayList<>();
            List<PKCS12SafeBag> certBags = new ArrayList<>();
            List<DataEntry> data = new ArrayList<>();
            for (ContentInfo ci : pfx.getContentInfos()) {
                boolean encrypted = ci.getContentType().equals(PKCSObjectIdentifiers.encryptedData);
                PKCS12SafeBagFactory f = encrypted ? new PKCS12SafeBagFactory(ci, decryptor) : new PKCS12SafeBagFactory(ci);
                for (PKCS12SafeBag bag : f.getSafeBags()) {
                    if (bag.getType().equals(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag)
                            || bag.getType().equals(PKCSObjectIdentifiers.keyBag)) {
                        keyBags.add(bag);
                    } else if (bag.getType().equals(PKCSObjectIdentifiers.certBag)) {
                        certBags.add(bag);
                    } else if (bag.getType().equals(PKCSObjectIdentifiers.secretBag)) {
                        DataEntry d = dataEntry(bag, encrypted);
                        if (d != null) {
                            data.add(d);
                        }
                    }
                }
            }
            Contents keysAndCerts = pair(keyBags, certBags, decryptor);
            return keysAndCerts.withData(data);
        } catch (PKCSException e) {
            if (e.getCause() instanceof HsmkitException h) {
                throw h;
            }
            if (!pfx.hasMac()) {
                // without a MAC, a wrong passphrase shows only as undecryptable contents
                throw wrongPassphrase(name);
            }
            throw HsmkitException.input(name + " cannot be read: " + e.getMessage(), null, e);
        } catch (IOException | CertificateException e) {
            throw HsmkitException.input(name + " cannot be read: " + e.getMessage(), null, e);
        } catch (HsmkitException e) {
            throw e;
        } catch (RuntimeException e) {
            // Bouncy Castle's PKCS#12 and ASN.1 classes report a wrong structure with unchecked exceptions
            throw HsmkitException.input(name + " is damaged (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                    "check the path after soft:, or restore the file from a backup", e);
        }
    }

    private static PinException wrongPassphrase(String name) {
        return new PinException("wrong passphrase for the soft token " + name,
                "enter the passphrase chosen when the soft token was created", null);
    }

    private static Contents pair(List<PKCS12SafeBag> keyBags, List<PKCS12SafeBag> certBags,
            InputDecryptorProvider decryptor) throws PKCSException, IOException, CertificateException {
        List<X509Certificate> certs = new ArrayList<>();
        for (PKCS12SafeBag bag : certBags) {
            try {
                certs.add(Providers.certificate((X509CertificateHolder) bag.getBagValue()));
            } catch (CertificateException e) {
                throw e;
            } catch (GeneralSecurityException e) {
                throw new CertificateException(e.getMessage(), e);
            }
        }
        boolean[] used = new boolean[certs.size()];
        List<KeyEntry> keys = new ArrayList<>();
        for (PKCS12SafeBag bag : keyBags) {
            StoredKey privateKey = bag.getBagValue() instanceof PKCS8EncryptedPrivateKeyInfo enc
                    ? new StoredKey(enc, decryptor, null)
                    : StoredKey.of(PrivateKeys.fromPkcs8(((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) bag.getBagValue()).getEncoded()));
            byte[] localKeyId = localKeyId(bag);
            int certIndex = -1;
            for (int i = 0; i < certs.size() && localKeyId != null; i++) {
                // compared only when the certificate has an id too: Jazzer's comparison hook crashes the JVM
                // on Arrays.equals with a null argument, which kept the PKCS#12 campaign from running
                byte[] certId = localKeyId(certBags.get(i));
                if (!used[i] && certId != null && Arrays.equals(localKeyId, certId)) {
                    certIndex = i;
                    break;
                }
            }
            PublicKey publicKey = certIndex >= 0 ? certs.get(certIndex).getPublicKey() : PrivateKeys.publicKeyOf(privateKey.get());
            for (int i = 0; i < certs.size() && certIndex < 0; i++) {
                if (!used[i] && KeyIds.sameKey(publicKey, certs.get(i).getPublicKey())) {
                    certIndex = i;
                }
            }
            if (publicKey == null) {
                throw new CertificateException("a key's certificate holds no readable public key");
            }
            X509Certificate cert = null;
            String label = friendlyName(bag);
            if (certIndex >= 0) {
                used[certIndex] = true;
                cert = certs.get(certIndex);
                if (label == null) {
                    label = friendlyName(certBags.get(certIndex));
                }
            }
            keys.add(new KeyEntry(privateKey, publicKey, cert, label == null ? "" : label,
                    localKeyId != null ? localKeyId : KeyIds.of(publicKey)));
        }
        List<X509Certificate> others = new ArrayList<>();
        for (int i = 0; i < certs.size(); i++) {
            if (!used[i]) {
                others.add(certs.get(i));
            }
        }
        return new Contents(keys, others, List.of());
    }

    /** A secret bag of type id-data as a data object; null for other secret types (not hsmkit's). */
    private static DataEntry dataEntry(PKCS12SafeBag bag, boolean encrypted) {
        PKCS12SecretBag secret = (PKCS12SecretBag) bag.getBagValue();
        if (!secret.getSecretTypeId().equals(PKCSObjectIdentifiers.data)
                || !(secret.getSecretValue() instanceof ASN1OctetString value)) {
            return null;
        }
        String label = friendlyName(bag);
        ASN1Encodable app = attribute(bag, BCStyle.DESCRIPTION);
        return new DataEntry(label == null ? "" : label, app instanceof ASN1String a ? a.getString() : "",
                value.getOctets(), encrypted);
    }

    private static byte[] localKeyId(PKCS12SafeBag bag) {
        ASN1Encodable v = attribute(bag, PKCSObjectIdentifiers.pkcs_9_at_localKeyId);
        return v instanceof ASN1OctetString o ? o.getOctets() : null;
    }

    private static String friendlyName(PKCS12SafeBag bag) {
        ASN1Encodable v = attribute(bag, PKCSObjectIdentifiers.pkcs_9_at_friendlyName);
        return v instanceof ASN1String s ? s.getString() : null;
    }

    private static ASN1Encodable attribute(PKCS12SafeBag bag, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
        Attribute[] attrs = bag.getAttributes();
        if (attrs == null) {
            return null;
        }
        for (Attribute a : attrs) {
            if (a.getAttrType().equals(oid) && a.getAttrValues().size() > 0) {
                return a.getAttrValues().getObjectAt(0);
            }
        }
        return null;
    }

    /** Encodes the contents; key entries without a certificate must carry a placeholder. */
    static byte[] write(Contents contents, char[] passphrase) {
        try {
            PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
            List<PKCS12SafeBag> certBags = new ArrayList<>();
            List<PKCS12SafeBag> keyBags = new ArrayList<>();
            for (KeyEntry k : contents.keys()) {
                PKCS12SafeBagBuilder cert = new JcaPKCS12SafeBagBuilder(k.certificate());
                addNameAndId(cert, k);
                certBags.add(cert.build());
                keyBags.add(keyBag(k, passphrase));
            }
            for (X509Certificate c : contents.otherCertificates()) {
                certBags.add(new JcaPKCS12SafeBagBuilder(c).build());
            }
            List<PKCS12SafeBag> publicData = new ArrayList<>();
            for (DataEntry d : contents.data()) {
                (d.privateObject() ? certBags : publicData).add(dataBag(d));
            }
            if (!certBags.isEmpty()) {
                pfx.addEncryptedData(encryptor(passphrase), certBags.toArray(new PKCS12SafeBag[0]));
            }
            for (PKCS12SafeBag d : publicData) {
                pfx.addData(d);
            }
            for (PKCS12SafeBag k : keyBags) {
                pfx.addData(k);
            }
            return pfx.build(new JcePKCS12MacCalculatorBuilder(NISTObjectIdentifiers.id_sha256)
                    .setProvider(Providers.bc()).setIterationCount(ITERATIONS), passphrase).getEncoded("DER");
        } catch (IOException | PKCSException | OperatorCreationException e) {
            throw new HsmkitException(org.hsmkit.core.ErrorKind.KEY, "cannot encode the soft token: " + e.getMessage(),
                    null, e);
        }
    }

    private static PKCS12SafeBag keyBag(KeyEntry k, char[] passphrase) throws OperatorCreationException {
        StoredKey stored = k.privateKey();
        if (stored.sealed == null) {
            PKCS12SafeBagBuilder key = new JcaPKCS12SafeBagBuilder(stored.get(), encryptor(passphrase));
            addNameAndId(key, k);
            return key.build();
        }
        // unchanged since it was read: keep the encrypted form instead of deriving a new key for it
        ASN1EncodableVector attrs = new ASN1EncodableVector();
        if (!k.label().isEmpty()) {
            attrs.add(new Attribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERSet(new DERBMPString(k.label()))));
        }
        attrs.add(new Attribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, new DERSet(new DEROctetString(k.id()))));
        return new PKCS12SafeBag(new SafeBag(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag,
                stored.sealed.toASN1Structure(), new DERSet(attrs)));
    }

    private static PKCS12SafeBag dataBag(DataEntry d) {
        PKCS12SafeBagBuilder b = new PKCS12SafeBagBuilder(
                new PKCS12SecretBagBuilder(PKCSObjectIdentifiers.data, new DEROctetString(d.value())).build());
        b.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(d.label()));
        if (!d.application().isEmpty()) {
            b.addBagAttribute(BCStyle.DESCRIPTION, new DERUTF8String(d.application()));
        }
        return b.build();
    }

    private static void addNameAndId(PKCS12SafeBagBuilder b, KeyEntry k) {
        if (!k.label().isEmpty()) {
            b.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(k.label()));
        }
        b.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, new DEROctetString(k.id()));
    }

    private static OutputEncryptor encryptor(char[] passphrase) throws OperatorCreationException {
        return new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                .setProvider(Providers.bc())
                .setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
                .setIterationCount(ITERATIONS)
                .build(passphrase);
    }
}
