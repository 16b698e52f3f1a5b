package org.hsmkit.core.internal.cms;

import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.KEKRecipientInfo;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientIdentifier;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.OriginatorPublicKey;
import org.bouncycastle.asn1.cms.PasswordRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientEncryptedKey;
import org.bouncycastle.asn1.cms.RecipientIdentifier;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cms.KeyAgreeRecipientId;
import org.bouncycastle.cms.KeyTransRecipientId;
import org.bouncycastle.cms.RecipientId;
import org.hsmkit.core.cms.TokenRecipient;

/**
 * The recipient entries of an enveloped file, flattened: one entry per recipient key (a
 * key-agreement info can name several recipients).
 */
public final class RecipientEntries {
    private RecipientEntries() {
    }

    /**
     * One recipient: how it is identified and what it takes to recover the content key;
     * {@code info} is the position of its RecipientInfo in the set, {@code key} its position among
     * the encrypted keys of a key-agreement info (0 otherwise).
     */
    public record Entry(String kind, IssuerAndSerialNumber issuerAndSerial, byte[] ski, AlgorithmIdentifier keyEncryptionAlgorithm,
            byte[] encryptedKey, SubjectPublicKeyInfo originator, byte[] userKeyingMaterial, int info, int key) {

        /** Whether the file can say who this recipient is (issuer and serial, or key identifier). */
        public boolean identified() {
            return issuerAndSerial != null || ski != null;
        }

        public boolean isKeyTransport() {
            return "key transport".equals(kind);
        }

        public boolean isKeyAgreement() {
            return originator != null;
        }

        /** "issuer … serial …" or "subject key id …". */
        public String identifier() {
            if (issuerAndSerial != null) {
                return RecipientKeys.describe(issuerAndSerial);
            }
            return ski != null ? RecipientKeys.describeSki(ski) : "(no key identifier)";
        }

        /** The key type as far as the file tells it. */
        public String keyType() {
            if ("key transport".equals(kind)) {
                return "RSA";
            }
            if (originator == null) {
                return "-";
            }
            int len = originator.getPublicKeyData().getBytes().length;
            int bits = switch (len) {
                case 65 -> 256;
                case 97 -> 384;
                case 129 -> 512;
                case 133 -> 521;
                default -> (len - 1) * 4;
            };
            return "EC " + bits + "-bit";
        }

        /** Padding, or KDF and key wrap. */
        public String algorithm() {
            return keyEncryptionAlgorithm == null ? "-" : KeyUnwrap.describe(keyEncryptionAlgorithm);
        }

        /**
         * Bouncy Castle's id of this recipient, to find its {@code RecipientInformation}; null for
         * entries that are neither key transport nor key agreement.
         */
        public RecipientId recipientId() {
            if (isKeyTransport()) {
                return issuerAndSerial != null
                        ? new KeyTransRecipientId(issuerAndSerial.getName(), issuerAndSerial.getSerialNumber().getValue())
                        : new KeyTransRecipientId(ski);
            }
            if (isKeyAgreement()) {
                return issuerAndSerial != null
                        ? new KeyAgreeRecipientId(issuerAndSerial.getName(), issuerAndSerial.getSerialNumber().getValue())
                        : new KeyAgreeRecipientId(ski);
            }
            return null;
        }

        public boolean matches(TokenRecipient r) {
            return (ski != null && r.matches(ski)) || (issuerAndSerial != null && r.matches(issuerAndSerial));
        }

        /** Whether this entry is the same recipient key as {@code other} (same info and position). */
        public boolean samePlace(Entry other) {
            return info == other.info && key == other.key;
        }
    }

    public static List<Entry> of(ASN1Set recipientInfos) {
        List<Entry> out = new ArrayList<>();
        int index = -1;
        for (ASN1Encodable e : recipientInfos) {
            index++;
            ASN1Encodable info = RecipientInfo.getInstance(e).getInfo();
            if (info instanceof KeyTransRecipientInfo kt) {
                RecipientIdentifier rid = kt.getRecipientIdentifier();
                IssuerAndSerialNumber ias = rid.isTagged() ? null : IssuerAndSerialNumber.getInstance(rid.getId());
                byte[] ski = rid.isTagged() ? ASN1OctetString.getInstance(rid.getId()).getOctets() : null;
                out.add(new Entry("key transport", ias, ski, kt.getKeyEncryptionAlgorithm(), kt.getEncryptedKey().getOctets(), null, null, index, 0));
            } else if (info instanceof KeyAgreeRecipientInfo ka) {
                OriginatorPublicKey opk = ka.getOriginator().getOriginatorKey();
                SubjectPublicKeyInfo originator = opk == null ? null : new SubjectPublicKeyInfo(opk.getAlgorithm(), opk.getPublicKeyData());
                byte[] ukm = ka.getUserKeyingMaterial() == null ? null : ka.getUserKeyingMaterial().getOctets();
                int k = -1;
                for (ASN1Encodable r : ka.getRecipientEncryptedKeys()) {
                    k++;
                    RecipientEncryptedKey rek = RecipientEncryptedKey.getInstance(r);
                    KeyAgreeRecipientIdentifier id = rek.getIdentifier();
                    IssuerAndSerialNumber ias = id.getIssuerAndSerialNumber();
                    byte[] ski = id.getRKeyID() == null ? null : id.getRKeyID().getSubjectKeyIdentifier().getOctets();
                    out.add(new Entry(originator == null ? "key agreement (static originator, unsupported)" : "key agreement",
                            ias, ski, ka.getKeyEncryptionAlgorithm(), rek.getEncryptedKey().getOctets(), originator, ukm, index, k));
                }
            } else if (info instanceof KEKRecipientInfo) {
                out.add(new Entry("pre-shared key (unsupported)", null, null, null, null, null, null, index, 0));
            } else if (info instanceof PasswordRecipientInfo) {
                out.add(new Entry("password (unsupported)", null, null, null, null, null, null, index, 0));
            } else {
                out.add(new Entry("other (unsupported)", null, null, null, null, null, null, index, 0));
            }
        }
        return out;
    }
}
