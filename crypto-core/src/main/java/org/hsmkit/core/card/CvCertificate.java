package org.hsmkit.core.card;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.card.CvcPublicKey;
import org.hsmkit.core.internal.card.Tlv;

/**
 * A card verifiable certificate (BSI TR-03110), the kind of certificate a SmartCard-HSM carries for
 * itself in EF.C_DevAut: a body ({@code 7F4E}) with the issuer (CAR), the holder (CHR), the
 * holder's public key and the validity dates, and the issuer's ECDSA signature over the encoded
 * body ({@code 5F37}, r‖s).
 *
 * <p>An elliptic-curve public key in a CVC may leave out the domain parameters; they are then the
 * issuer's. {@link #verifiedBy} takes care of that.
 */
public final class CvCertificate {
    static final int TAG_CVC = 0x7F21;
    static final int TAG_BODY = 0x7F4E;
    static final int TAG_SIGNATURE = 0x5F37;

    private final byte[] encoded;
    private final byte[] body;
    private final byte[] signature;
    private final String car;
    private final String chr;
    private final CvcPublicKey publicKey;
    private final LocalDate effective;
    private final LocalDate expiration;

    private CvCertificate(byte[] encoded, byte[] body, byte[] signature, String car, String chr, CvcPublicKey publicKey,
            LocalDate effective, LocalDate expiration) {
        this.encoded = encoded;
        this.body = body;
        this.signature = signature;
        this.car = car;
        this.chr = chr;
        this.publicKey = publicKey;
        this.effective = effective;
        this.expiration = expiration;
    }

    /**
     * Parses one certificate ({@code 7F21 …}) at the start of {@code data}.
     *
     * @throws HsmkitException INPUT when it is not a card verifiable certificate
     */
    public static CvCertificate parse(byte[] data) {
        return parse(data, 0);
    }

    /** Parses the certificates that follow each other in {@code data}, as in EF.C_DevAut. */
    public static List<CvCertificate> parseAll(byte[] data) {
        List<CvCertificate> all = new ArrayList<>();
        int i = 0;
        while (i < data.length && data[i] != 0 && data[i] != (byte) 0xFF) {
            CvCertificate c = parse(data, i);
            all.add(c);
            i += c.encoded.length;
        }
        if (all.isEmpty()) {
            throw HsmkitException.input("no card verifiable certificate found", "the data should start with 7F 21");
        }
        return all;
    }

    private static CvCertificate parse(byte[] data, int offset) {
        try {
            int length = Tlv.encodedLength(data, offset);
            byte[] encoded = Arrays.copyOfRange(data, offset, offset + length);
            Tlv cvc = Tlv.parse(encoded);
            if (cvc.tag() != TAG_CVC) {
                throw new IllegalArgumentException("tag " + Integer.toHexString(cvc.tag()).toUpperCase() + " instead of 7F21");
            }
            Tlv bodyTlv = cvc.require(TAG_BODY);
            Tlv sig = cvc.require(TAG_SIGNATURE);
            String car = bodyTlv.child(0x42).map(t -> text(t.value())).orElse("");
            String chr = text(bodyTlv.require(0x5F20).value());
            CvcPublicKey key = CvcPublicKey.parse(bodyTlv.require(0x7F49));
            LocalDate from = bodyTlv.child(0x5F25).map(t -> date(t.value())).orElse(null);
            LocalDate until = bodyTlv.child(0x5F24).map(t -> date(t.value())).orElse(null);
            return new CvCertificate(encoded, bodyTlv.encoded(), sig.value(), car, chr, key, from, until);
        } catch (IllegalArgumentException e) {
            throw HsmkitException.input("not a card verifiable certificate: " + e.getMessage(),
                    "give a CVC file (binary, starting with 7F 21), such as the SmartCard-HSM root DESRCACC100001", e);
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** TR-03110 dates: six bytes, each one decimal digit, YYMMDD in the 21st century. */
    private static LocalDate date(byte[] d) {
        if (d.length != 6) {
            throw new IllegalArgumentException("a date of " + d.length + " bytes");
        }
        for (byte b : d) {
            if (b < 0 || b > 9) {
                throw new IllegalArgumentException("a date digit " + b);
            }
        }
        return LocalDate.of(2000 + d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
    }

    /** The whole certificate as it was read. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** Certification authority reference: who signed it. */
    public String car() {
        return car;
    }

    /** Certificate holder reference: whose it is (for a device certificate, the serial number and a sequence number). */
    public String chr() {
        return chr;
    }

    /** First day of validity, when the certificate says. */
    public Optional<LocalDate> effective() {
        return Optional.ofNullable(effective);
    }

    /** Last day of validity, when the certificate says. */
    public Optional<LocalDate> expiration() {
        return Optional.ofNullable(expiration);
    }

    /** Whether it is valid on {@code day}: from the effective date to the expiration date, both included. */
    public boolean validOn(LocalDate day) {
        return (effective == null || !day.isBefore(effective)) && (expiration == null || !day.isAfter(expiration));
    }

    /** Whether the certificate names itself as its issuer (a root). */
    public boolean selfIssued() {
        return car.equals(chr);
    }

    /** The algorithm the holder's key signs with (an id-TA object identifier). */
    public ASN1ObjectIdentifier algorithm() {
        return publicKey.algorithm();
    }

    /** The holder's public key as written; it may lack domain parameters (then they are the issuer's). */
    CvcPublicKey rawPublicKey() {
        return publicKey;
    }

    /** The uncompressed public point (or RSA modulus) of the holder. */
    public byte[] publicPointOrModulus() {
        return publicKey.pointOrModulus();
    }

    /** Whether {@code issuerKey} (with its domain parameters) made this certificate's signature. */
    boolean verifiedBy(CvcPublicKey issuerKey) {
        return issuerKey.verify(body, signature);
    }

    /** The SHA-256 of the encoded certificate, in hex: a fingerprint to compare by eye. */
    public String fingerprint() {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(encoded));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The encoded body, which the signature covers. */
    byte[] body() {
        return body.clone();
    }

    @Override
    public String toString() {
        return chr + " (issued by " + car + ")";
    }
}
