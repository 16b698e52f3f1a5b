package org.hsmkit.core.internal.card;

import static org.hsmkit.core.internal.card.Pkcs15Files.CA_CERT_PREFIX;
import static org.hsmkit.core.internal.card.Pkcs15Files.CD_PREFIX;
import static org.hsmkit.core.internal.card.Pkcs15Files.EE_CERT_PREFIX;
import static org.hsmkit.core.internal.card.Pkcs15Files.KEY_META_PREFIX;
import static org.hsmkit.core.internal.card.Pkcs15Files.KEY_PREFIX;
import static org.hsmkit.core.internal.card.Pkcs15Files.PRKD_PREFIX;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.BigIntegers;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.internal.soft.KeyTypes;

/**
 * The keys on a SmartCard-HSM as OpenSC lays them out: key CCxx, its PKCS#15 description C4xx,
 * its certificate file CExx (an X.509 certificate, or the device-signed request made when the key
 * was generated), and CBxx, the device's own metadata of the key (its use counter, tag 90). All
 * reads here need no login; call inside a transaction.
 */
final class CardKeyStore {
    private final CardToken token;

    CardKeyStore(CardToken token) {
        this.token = token;
    }

    private ScHsmApplet applet() {
        return token.session().applet();
    }

    /** Every key (the device's own authentication key CC00 left out). */
    List<CardKey> keys() {
        List<Integer> fids = applet().enumerate();
        List<X509Certificate> authorities = authorities(fids);
        List<CardKey> keys = new ArrayList<>();
        for (int fid : fids) {
            if ((fid >>> 8) == KEY_PREFIX && (fid & 0xFF) != 0) {
                keys.add(read(fid & 0xFF, fids, authorities));
            }
        }
        return keys;
    }

    /** The CA certificates on the device (CAxx, where OpenSC stores a certificate without a key). */
    private List<X509Certificate> authorities(List<Integer> fids) {
        List<X509Certificate> out = new ArrayList<>();
        for (int fid : fids) {
            if ((fid >>> 8) == CA_CERT_PREFIX) {
                applet().read(fid).filter(c -> c.length > 0 && c[0] == 0x30).map(CardKeyStore::certificate).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * Puts each of {@code issuers} the device does not hold yet into a CAxx file, with its
     * description in the C8xx file of the same number, as OpenSC's module stores a certificate
     * without a key: OpenSC lists it from the description, this driver from the CAxx file. Stops
     * at the first the device refuses (it is full); those stored before stay. Call logged in,
     * inside a transaction.
     */
    void storeAuthorities(List<X509Certificate> issuers) {
        List<Integer> fids = new ArrayList<>(applet().enumerate());
        List<X509Certificate> present = authorities(fids);
        for (X509Certificate issuer : issuers) {
            if (present.contains(issuer)) {
                continue;
            }
            int slot = freeCertificateSlot(fids);
            if (slot < 0) {
                return;
            }
            int certificateFile = (CA_CERT_PREFIX << 8) | slot;
            int descriptionFile = (CD_PREFIX << 8) | slot;
            try {
                byte[] description = new Pkcs15Files.Certificate(org.hsmkit.core.NameFormat.commonName(issuer.getSubjectX500Principal()),
                        intrinsicId(issuer.getPublicKey()), true, certificateFile).encode();
                applet().write(certificateFile, issuer.getEncoded());
                applet().write(descriptionFile, description);
            } catch (HsmkitException | java.security.cert.CertificateEncodingException e) {
                // a half-stored certificate would be seen by one driver and not the other
                deleteQuietly(certificateFile);
                deleteQuietly(descriptionFile);
                return;
            }
            fids.add(certificateFile);
            fids.add(descriptionFile);
            present.add(issuer);
        }
    }

    /** The lowest number whose CAxx and C8xx files are both free, as OpenSC picks it; -1 when none is. */
    private static int freeCertificateSlot(List<Integer> fids) {
        for (int n = 0; n <= 0xFF; n++) {
            if (!fids.contains((CA_CERT_PREFIX << 8) | n) && !fids.contains((CD_PREFIX << 8) | n)) {
                return n;
            }
        }
        return -1;
    }

    private void deleteQuietly(int fid) {
        try {
            applet().delete(fid);
        } catch (HsmkitException e) {
            // the store already failed; that is what the caller learns from the chain it gets back
        }
    }

    /** The key in slot {@code ref}, read afresh. */
    CardKey read(int ref) {
        List<Integer> fids = applet().enumerate();
        return read(ref, fids, authorities(fids));
    }

    /** The first free key reference (1 to 255), as OpenSC and CardContact's module choose it. */
    int freeReference(List<Integer> fids) {
        for (int ref = 1; ref <= 255; ref++) {
            if (!fids.contains((KEY_PREFIX << 8) | ref)) {
                return ref;
            }
        }
        throw HsmkitException.key(token.name() + " has no free key slot (255 keys)", "delete keys you no longer need");
    }

    /** The CKA_ID of the key in slot {@code ref} as {@link #read} gives it; empty when the slot is free. */
    Optional<byte[]> idAt(int ref) {
        Optional<byte[]> prkd = applet().read((PRKD_PREFIX << 8) | ref);
        if (prkd.isPresent() && prkd.get().length > 0) {
            try {
                return Optional.of(Pkcs15Files.PrivateKey.parse(prkd.get(), ref).id());
            } catch (IllegalArgumentException e) {
                // fall through: a key without a readable description has its reference as id
            }
        }
        return applet().enumerate().contains((KEY_PREFIX << 8) | ref) ? Optional.of(new byte[] {(byte) ref}) : Optional.empty();
    }

    /** The key in slot {@code ref}, with its certificate's issuers from {@code authorities} as its chain. */
    private CardKey read(int ref, List<Integer> fids, List<X509Certificate> authorities) {
        boolean hasMeta = fids.contains((KEY_META_PREFIX << 8) | ref);
        Optional<byte[]> prkd = applet().read((PRKD_PREFIX << 8) | ref);
        Optional<byte[]> certFile = applet().read((EE_CERT_PREFIX << 8) | ref);
        Pkcs15Files.PrivateKey description = null;
        if (prkd.isPresent() && prkd.get().length > 0) {
            try {
                description = Pkcs15Files.PrivateKey.parse(prkd.get(), ref);
            } catch (IllegalArgumentException e) {
                description = null; // a description we cannot read: the key is still listed
            }
        }
        PublicKey publicKey = null;
        List<X509Certificate> chain = List.of();
        if (certFile.isPresent() && certFile.get().length > 0) {
            byte[] c = certFile.get();
            if (c[0] == 0x30) {
                X509Certificate cert = certificate(c);
                if (cert != null) {
                    chain = org.hsmkit.core.internal.soft.IssuerChain.build(cert, authorities);
                    publicKey = cert.getPublicKey();
                }
            } else {
                publicKey = requestKey(c);
            }
        }
        KeyType type;
        if (publicKey != null) {
            type = KeyTypes.of(publicKey);
        } else if (description != null) {
            type = typeFrom(description);
        } else {
            type = KeyType.EC_P256; // unknown: a bare key; its type shows when it is used
        }
        String label = description == null ? "" : description.label();
        byte[] id = description == null ? new byte[] {(byte) ref} : description.id();
        OptionalLong uses = hasMeta ? usesLeft(ref) : OptionalLong.empty();
        return new CardKey(token, ref, label, id, type, publicKey, chain, uses);
    }

    private static KeyType typeFrom(Pkcs15Files.PrivateKey d) {
        for (KeyType t : KeyType.values()) {
            if (t.isRsa() == d.rsa() && t.bits() == d.bits()) {
                return t;
            }
        }
        return d.rsa() ? KeyType.RSA_2048 : KeyType.EC_P256;
    }

    /** The use counter the device keeps for the key (tag 90 of its metadata), if it has one. */
    OptionalLong usesLeft(int ref) {
        Optional<byte[]> meta = applet().read((KEY_META_PREFIX << 8) | ref);
        if (meta.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            for (Tlv t : Tlv.parseAll(meta.get())) {
                if (t.tag() == 0x90 && t.value().length <= 4 && t.value().length > 0) {
                    return OptionalLong.of(new BigInteger(1, t.value()).longValue());
                }
            }
        } catch (IllegalArgumentException e) {
            // unreadable metadata: no counter shown
        }
        return OptionalLong.empty();
    }

    /** The public key in a CV request or certificate (the answer to GENERATE ASYMMETRIC KEY PAIR). */
    static PublicKey requestKey(byte[] request) {
        try {
            Tlv t = Tlv.parse(request);
            Tlv cvc = t.tag() == 0x67 ? t.require(0x7F21) : t;
            return CvcPublicKey.parse(cvc.require(0x7F4E).require(0x7F49)).toJca();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static X509Certificate certificate(byte[] der) {
        try {
            int n = Tlv.encodedLength(der, 0);
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der, 0, n));
        } catch (CertificateException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Certificates of keys (CExx) and CA certificates (CAxx). */
    List<X509Certificate> certificates() {
        List<Integer> fids = applet().enumerate();
        List<X509Certificate> all = new ArrayList<>();
        for (int fid : fids) {
            if ((fid >>> 8) == EE_CERT_PREFIX) {
                applet().read(fid).filter(c -> c.length > 0 && c[0] == 0x30).map(CardKeyStore::certificate)
                        .ifPresent(all::add);
            }
        }
        all.addAll(authorities(fids));
        return all;
    }

    /** The CKA_ID OpenSC gives a key it generates: SHA-1 of the RSA modulus or of the EC point. */
    static byte[] intrinsicId(PublicKey key) {
        byte[] material;
        if (key instanceof RSAPublicKey rsa) {
            material = BigIntegers.asUnsignedByteArray(rsa.getModulus());
        } else {
            material = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes();
        }
        try {
            return MessageDigest.getInstance("SHA-1").digest(material);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Deletes the key and its description, certificate file and metadata, then checks that none
     * of them is left. A file already gone counts as deleted.
     */
    void delete(CardKey key) {
        int ref = key.keyRef();
        applet().delete((KEY_PREFIX << 8) | ref);
        applet().delete((PRKD_PREFIX << 8) | ref);
        applet().delete((EE_CERT_PREFIX << 8) | ref);
        List<Integer> left = applet().enumerate();
        for (int prefix : new int[] {KEY_PREFIX, PRKD_PREFIX, EE_CERT_PREFIX}) {
            if (left.contains((prefix << 8) | ref)) {
                throw HsmkitException.key("file " + ScHsmApplet.hex((prefix << 8) | ref) + " of the key '" + key.label()
                        + "' is still on " + token.name() + " after deleting it", "run 'hsmkit key delete' again");
            }
        }
    }

    /** Whether a key with this CKA_ID is on the card. */
    static boolean idTaken(List<CardKey> keys, byte[] id) {
        return keys.stream().anyMatch(k -> Arrays.equals(k.id(), id));
    }
}
