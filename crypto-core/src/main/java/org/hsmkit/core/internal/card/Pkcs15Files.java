package org.hsmkit.core.internal.card;

import java.io.IOException;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.ASN1BitString;

/**
 * The PKCS#15 descriptions the SmartCard-HSM keeps beside its keys and data (files C4xx for
 * private keys, C8xx for CA certificates, C9xx for data objects, 2F03 for the token information),
 * encoded the way OpenSC's PKCS#15 layer writes and reads them: a private key's label, CKA_ID,
 * usage, access flags and size; a CA certificate's label, id and file; a data object's label,
 * application, private flag and the file holding the value.
 */
public final class Pkcs15Files {
    /** File prefixes (high byte of the file identifier), as in OpenSC's card-sc-hsm.h. */
    public static final int PRKD_PREFIX = 0xC4;
    public static final int KEY_META_PREFIX = 0xCB;
    public static final int CD_PREFIX = 0xC8;
    public static final int DCOD_PREFIX = 0xC9;
    public static final int CA_CERT_PREFIX = 0xCA;
    public static final int KEY_PREFIX = 0xCC;
    public static final int PROT_DATA_PREFIX = 0xCD;
    public static final int EE_CERT_PREFIX = 0xCE;
    public static final int DATA_PREFIX = 0xCF;
    public static final int TOKEN_INFO = 0x2F03;
    public static final int DEVICE_CERTIFICATES = 0x2F02;

    private Pkcs15Files() {
    }

    /** A private key description (PKCS#15 PrivateKeyObject). */
    public record PrivateKey(String label, byte[] id, boolean rsa, int bits, int keyReference) {
        public PrivateKey {
            id = id.clone();
        }

        @Override
        public byte[] id() {
            return id.clone();
        }

        /**
         * The encoding: SEQUENCE (RSA) or [0] (EC) of the common object attributes (label, flags
         * private|modifiable, authId 01), the common key attributes (id, usage, access flags, key
         * reference) and the type attributes (an empty path, the modulus or field size).
         */
        public byte[] encode() {
            DERSequence coa = commonObjectAttributes(label, bitString(0x03, 2), true); // private, modifiable
            ASN1EncodableVector cka = new ASN1EncodableVector();
            cka.add(new DEROctetString(id));
            // usage: RSA decrypt, sign, signRecover, unwrap; EC sign, derive
            cka.add(rsa ? bitString(0x02 | 0x04 | 0x08 | 0x20, 6) : bitString(0x04 | 0x100, 9));
            // access: sensitive, alwaysSensitive, neverExtractable, local
            cka.add(bitString(0x01 | 0x04 | 0x08 | 0x10, 5));
            cka.add(new ASN1Integer(keyReference));
            ASN1EncodableVector typeAttributes = new ASN1EncodableVector();
            typeAttributes.add(new DERSequence(new DEROctetString(new byte[0])));
            typeAttributes.add(new ASN1Integer(bits));
            ASN1EncodableVector object = new ASN1EncodableVector();
            object.add(coa);
            object.add(new DERSequence(cka));
            object.add(new DERTaggedObject(true, 1, new DERSequence(typeAttributes)));
            return der(rsa ? new DERSequence(object) : new DERTaggedObject(false, 0, new DERSequence(object)));
        }

        /**
         * Reads a description written by hsmkit, OpenSC or CardContact's tools.
         *
         * @param keyReference the key's reference (from the file identifier), used when the
         *        description names none
         * @throws IllegalArgumentException when it is not a private key description
         */
        public static PrivateKey parse(byte[] encoded, int keyReference) {
            ASN1Primitive p = primitive(encoded);
            boolean rsa;
            ASN1Sequence object;
            if (p instanceof ASN1TaggedObject t) {
                if (t.getTagNo() != 0) {
                    throw new IllegalArgumentException("a private key description of type [" + t.getTagNo() + "]");
                }
                // Bouncy Castle fails with IllegalStateException on a primitive [0] read as a SEQUENCE
                if ((encoded[0] & 0x20) == 0) {
                    throw new IllegalArgumentException("an EC key description [0] that holds no SEQUENCE");
                }
                rsa = false;
                object = ASN1Sequence.getInstance(t, false);
            } else {
                rsa = true;
                object = ASN1Sequence.getInstance(p);
            }
            requireSize(object, 2, "a private key description");
            String label = labelOf(object);
            ASN1Sequence cka = ASN1Sequence.getInstance(object.getObjectAt(1));
            requireSize(cka, 1, "the common key attributes");
            byte[] id = ASN1OctetString.getInstance(cka.getObjectAt(0)).getOctets();
            int reference = keyReference;
            for (ASN1Encodable e : cka) {
                if (e instanceof ASN1Integer i) {
                    reference = nonNegativeInt(i, "the key reference");
                }
            }
            int size = 0;
            for (int i = 2; i < object.size(); i++) {
                if (object.getObjectAt(i) instanceof ASN1TaggedObject t && t.getTagNo() == 1) {
                    // [1] EXPLICIT { SEQUENCE { path, modulusLength or fieldSize, ... } }
                    ASN1Sequence attrs = ASN1Sequence.getInstance(t.getBaseObject().toASN1Primitive());
                    for (ASN1Encodable a : attrs) {
                        if (a instanceof ASN1Integer n) {
                            size = nonNegativeInt(n, "the key size");
                            break;
                        }
                    }
                }
            }
            return new PrivateKey(label, id, rsa, size, reference);
        }
    }

    /** A data object description (PKCS#15 DataObject, opaque). */
    public record DataObject(String label, String application, boolean privateObject, int dataFile) {

        /** The encoding OpenSC writes: common object attributes, application name, and the path of the value. */
        public byte[] encode() {
            DERSequence coa = privateObject ? commonObjectAttributes(label, bitString(0x01, 1), true) // private
                    : commonObjectAttributes(label, null, false);
            ASN1EncodableVector cda = new ASN1EncodableVector();
            if (!application.isEmpty()) {
                cda.add(new DERUTF8String(application));
            }
            byte[] path = {(byte) (dataFile >>> 8), (byte) dataFile};
            ASN1EncodableVector object = new ASN1EncodableVector();
            object.add(coa);
            object.add(new DERSequence(cda));
            object.add(new DERTaggedObject(true, 1, new DERSequence(new DEROctetString(path))));
            return der(new DERSequence(object));
        }

        /** Reads a description written by hsmkit or OpenSC. */
        public static DataObject parse(byte[] encoded) {
            ASN1Sequence object = ASN1Sequence.getInstance(primitive(encoded));
            requireSize(object, 3, "a data object description");
            String label = labelOf(object);
            boolean priv = false;
            for (ASN1Encodable e : ASN1Sequence.getInstance(object.getObjectAt(0))) {
                if (e instanceof ASN1BitString b) {
                    priv = b.getBytes().length > 0 && (b.getBytes()[0] & 0x80) != 0;
                }
            }
            String app = "";
            ASN1Sequence cda = ASN1Sequence.getInstance(object.getObjectAt(1));
            for (ASN1Encodable e : cda) {
                if (e instanceof DERUTF8String s) {
                    app = text(s);
                } else if (e instanceof ASN1ObjectIdentifier oid && app.isEmpty()) {
                    app = oid.getId();
                }
            }
            return new DataObject(label, app, priv, fileOf(object, "a data object"));
        }
    }

    /**
     * A description of a certificate without a key on the device (PKCS#15 CertificateObject, in a
     * C8xx file), as OpenSC writes one for a CA certificate it stores in the CAxx file named by the
     * path; OpenSC lists such certificates from these descriptions only.
     */
    public record Certificate(String label, byte[] id, boolean authority, int certificateFile) {
        public Certificate {
            id = id.clone();
        }

        @Override
        public byte[] id() {
            return id.clone();
        }

        /**
         * The encoding: the common object attributes (label, flags modifiable), the common
         * certificate attributes (id, authority) and the path of the certificate.
         */
        public byte[] encode() {
            DERSequence coa = commonObjectAttributes(label, bitString(0x02, 2), false); // modifiable
            ASN1EncodableVector cca = new ASN1EncodableVector();
            cca.add(new DEROctetString(id));
            if (authority) {
                cca.add(ASN1Boolean.TRUE);
            }
            byte[] path = {(byte) (certificateFile >>> 8), (byte) certificateFile};
            ASN1EncodableVector object = new ASN1EncodableVector();
            object.add(coa);
            object.add(new DERSequence(cca));
            object.add(new DERTaggedObject(true, 1, new DERSequence(new DERSequence(new DEROctetString(path)))));
            return der(new DERSequence(object));
        }

        /** Reads a description written by hsmkit or OpenSC. */
        public static Certificate parse(byte[] encoded) {
            ASN1Sequence object = ASN1Sequence.getInstance(primitive(encoded));
            requireSize(object, 3, "a certificate description");
            String label = labelOf(object);
            ASN1Sequence cca = ASN1Sequence.getInstance(object.getObjectAt(1));
            requireSize(cca, 1, "the common certificate attributes");
            byte[] id = ASN1OctetString.getInstance(cca.getObjectAt(0)).getOctets();
            boolean authority = cca.size() > 1 && cca.getObjectAt(1) instanceof ASN1Boolean b && b.isTrue();
            return new Certificate(label, id, authority, fileOf(object, "a certificate"));
        }
    }

    /** PKCS#15 CommonObjectAttributes: the label, the flags (if any), and authId 01 (the user PIN) when it needs one. */
    private static DERSequence commonObjectAttributes(String label, DERBitString flags, boolean authId) {
        ASN1EncodableVector coa = new ASN1EncodableVector();
        coa.add(new DERUTF8String(label));
        if (flags != null) {
            coa.add(flags);
        }
        if (authId) {
            coa.add(new DEROctetString(new byte[] {0x01}));
        }
        return new DERSequence(coa);
    }

    private static byte[] der(ASN1Encodable e) {
        try {
            return e.toASN1Primitive().getEncoded("DER");
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The label: the UTF8String among the common object attributes (a BIT STRING is an ASN1String to Bouncy Castle too). */
    private static String labelOf(ASN1Sequence object) {
        for (ASN1Encodable e : ASN1Sequence.getInstance(object.getObjectAt(0))) {
            if (e instanceof DERUTF8String s) {
                return text(s);
            }
        }
        return "";
    }

    /**
     * The file named by the path in the type attributes, the last element: {@code [1] { path }}
     * or {@code [1] { { path } }}, as OpenSC writes one or the other.
     */
    private static int fileOf(ASN1Sequence object, String what) {
        ASN1TaggedObject type = ASN1TaggedObject.getInstance(object.getObjectAt(object.size() - 1));
        ASN1Sequence path = ASN1Sequence.getInstance(type.getBaseObject().toASN1Primitive());
        if (path.size() > 0 && path.getObjectAt(0) instanceof ASN1Sequence inner) {
            path = inner;
        }
        requireSize(path, 1, "the path of " + what);
        byte[] p = ASN1OctetString.getInstance(path.getObjectAt(0)).getOctets();
        if (p.length < 2) {
            throw new IllegalArgumentException(what + " without a file");
        }
        return ((p[p.length - 2] & 0xFF) << 8) | (p[p.length - 1] & 0xFF);
    }

    /**
     * The text of a UTF8String, with bytes that are not UTF-8 read as U+FFFD rather than failing:
     * OpenSC's module wrote application names followed by whatever bytes came after them in its
     * caller's memory, and such an object must still be listed (and deleted) like any other.
     */
    private static String text(DERUTF8String s) {
        try {
            return s.getString();
        } catch (IllegalArgumentException e) {
            byte[] der;
            try {
                der = s.getEncoded("DER");
            } catch (IOException io) {
                throw new IllegalStateException(io);
            }
            int header = (der[1] & 0x80) == 0 ? 2 : 2 + (der[1] & 0x7F);
            return new String(der, header, der.length - header, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** EF.TokenInfo with a label, as OpenSC writes it at initialisation. */
    public static byte[] tokenInfo(String label) {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(0));
        v.add(new DERTaggedObject(false, 0, new DERUTF8String(label)));
        v.add(bitString(0x04, 3)); // prnGeneration
        return der(new DERSequence(v));
    }

    /** The label in EF.TokenInfo ([0] inside the sequence), if any. */
    public static Optional<String> tokenLabel(byte[] tokenInfo) {
        try {
            ASN1Sequence s = ASN1Sequence.getInstance(primitive(tokenInfo));
            for (ASN1Encodable e : s) {
                if (e instanceof ASN1TaggedObject t && t.getTagNo() == 0) {
                    return Optional.of(DERUTF8String.getInstance(t, false).getString());
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // unreadable token info: no label
        }
        return Optional.empty();
    }

    /** A BIT STRING of the named bits set in {@code mask} (bit 0 first), {@code length} bits long, as DER trims it. */
    static DERBitString bitString(int mask, int length) {
        int highest = 31 - Integer.numberOfLeadingZeros(mask);
        int used = Math.min(length, highest + 1);
        int bytes = (used + 7) / 8;
        byte[] b = new byte[bytes];
        for (int i = 0; i < used; i++) {
            if ((mask & (1 << i)) != 0) {
                b[i / 8] |= (byte) (0x80 >>> (i % 8));
            }
        }
        return new DERBitString(b, bytes * 8 - used);
    }

    private static ASN1Primitive primitive(byte[] encoded) {
        try {
            return ASN1Primitive.fromByteArray(trimmed(encoded));
        } catch (IOException | IllegalStateException e) {
            // Bouncy Castle's parser reports some malformed encodings with IllegalStateException
            // rather than IOException: a constructed BIT STRING with bad padding, an EXTERNAL
            // without its explicit tag
            throw new IllegalArgumentException("not DER: " + e.getMessage(), e);
        }
    }

    /** An {@link IllegalArgumentException} when {@code s} has fewer than {@code min} elements. */
    private static void requireSize(ASN1Sequence s, int min, String what) {
        if (s.size() < min) {
            throw new IllegalArgumentException(what + " with " + s.size() + (s.size() == 1 ? " element" : " elements")
                    + " (it needs at least " + min + ")");
        }
    }

    /** The value as an int; an {@link IllegalArgumentException} when it is negative or does not fit. */
    private static int nonNegativeInt(ASN1Integer i, String what) {
        java.math.BigInteger v = i.getValue();
        if (v.signum() < 0 || v.bitLength() > 31) {
            throw new IllegalArgumentException(what + " is out of range: " + (v.bitLength() > 31 ? "a " + v.bitLength() + "-bit number" : v));
        }
        return v.intValue();
    }

    /** The first TLV object (files may be longer than what they hold). */
    private static byte[] trimmed(byte[] encoded) {
        int length = Tlv.encodedLength(encoded, 0);
        return length == encoded.length ? encoded : java.util.Arrays.copyOf(encoded, length);
    }
}
