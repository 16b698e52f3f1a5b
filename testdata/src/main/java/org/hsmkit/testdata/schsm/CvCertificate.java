package org.hsmkit.testdata.schsm;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * A card verifiable certificate (BSI TR-03110 part 3) as the SmartCard-HSM's device
 * certificate chain holds them: {@code 7F21 { 7F4E body, 5F37 signature }}, the body being
 * profile identifier (5F29), authority reference (42), public key (7F49), holder reference
 * (5F20), holder authorisation template (7F4C), effective (5F25) and expiry (5F24) dates.
 *
 * <p>For tests on both sides of the card interface: {@link #issue} makes certificates (also
 * expired ones, or under another root), {@link #parse} reads them, {@link #withSignatureTampered}
 * spoils one. Read-only helpers; nothing here is hsmkit's verification code.
 */
public final class CvCertificate {
    /** The holder authorisation template role OID used by the simulator's chains (TR-03110 id-AT). */
    public static final ASN1ObjectIdentifier ROLE_OID = new ASN1ObjectIdentifier("0.4.0.127.0.7.3.1.2.2");

    /** The role bits of the holder authorisation template: root, intermediate (issuer CA), end entity. */
    public enum Role {
        ROOT(0xC0), ISSUER_CA(0x80), DEVICE(0x00);

        final int bits;

        Role(int bits) {
            this.bits = bits;
        }
    }

    private final byte[] encoded;
    private final byte[] body;
    private final byte[] signature;
    private final String car;
    private final String chr;
    private final Tlv publicKeyTemplate;
    private final LocalDate effective;
    private final LocalDate expiry;

    private CvCertificate(byte[] encoded) {
        Tlv cert = Tlv.parseFirst(encoded);
        if (cert.tag() != 0x7F21) {
            throw new IllegalArgumentException("not a card verifiable certificate (tag " + Integer.toHexString(cert.tag()) + ")");
        }
        this.encoded = Arrays.copyOf(encoded, cert.encoded().length);
        List<Tlv> parts = cert.children();
        Tlv bodyTlv = Tlv.find(parts, 0x7F4E).orElseThrow(() -> new IllegalArgumentException("CVC without body"));
        this.body = bodyTlv.encoded();
        this.signature = Tlv.find(parts, 0x5F37).orElseThrow(() -> new IllegalArgumentException("CVC without signature"))
                .value();
        List<Tlv> fields = bodyTlv.children();
        this.car = text(Tlv.find(fields, 0x42).orElseThrow(() -> new IllegalArgumentException("CVC without CAR")));
        this.chr = text(Tlv.find(fields, 0x5F20).orElseThrow(() -> new IllegalArgumentException("CVC without CHR")));
        this.publicKeyTemplate = Tlv.find(fields, 0x7F49).orElseThrow(() -> new IllegalArgumentException("CVC without key"));
        this.effective = Tlv.find(fields, 0x5F25).map(t -> date(t.value())).orElse(null);
        this.expiry = Tlv.find(fields, 0x5F24).map(t -> date(t.value())).orElse(null);
    }

    /** Parses the certificate at the start of {@code encoded} (trailing bytes are ignored). */
    public static CvCertificate parse(byte[] encoded) {
        return new CvCertificate(encoded);
    }

    /** Parses concatenated certificates, as EF.C_DevAut holds the device and issuer CA certificates. */
    public static List<CvCertificate> parseAll(byte[] concatenated) {
        List<CvCertificate> out = new ArrayList<>();
        int pos = 0;
        while (pos < concatenated.length && concatenated[pos] != 0) {
            CvCertificate c = parse(Arrays.copyOfRange(concatenated, pos, concatenated.length));
            out.add(c);
            pos += c.encoded.length;
        }
        return out;
    }

    /**
     * Issues a certificate for {@code subject} under {@code issuerKey}. A root is self-issued:
     * {@code car} equals {@code chr} and {@code issuerKey} belongs to {@code subject}.
     */
    public static CvCertificate issue(String car, String chr, PublicKey subject, PrivateKey issuerKey, Role role,
            LocalDate effective, LocalDate expiry) {
        byte[] body = Tlv.encode(0x7F4E,
                Tlv.encode(0x5F29, new byte[] {0}),
                Tlv.encode(0x42, car.getBytes(StandardCharsets.US_ASCII)),
                CvcPublicKey.encode(subject),
                Tlv.encode(0x5F20, chr.getBytes(StandardCharsets.US_ASCII)),
                Tlv.encode(0x7F4C, Tlv.encode(0x06, CvcPublicKey.oidContent(ROLE_OID)), Tlv.encode(0x53, new byte[] {(byte) role.bits})),
                Tlv.encode(0x5F25, dateBytes(effective)),
                Tlv.encode(0x5F24, dateBytes(expiry)));
        byte[] sig = CvcSignatures.sign(issuerKey, body);
        return new CvCertificate(Tlv.encode(0x7F21, body, Tlv.encode(0x5F37, sig)));
    }

    /** This certificate with one bit of its signature flipped. */
    public CvCertificate withSignatureTampered() {
        byte[] sig = signature.clone();
        sig[sig.length / 2] ^= 0x01;
        return new CvCertificate(Tlv.encode(0x7F21, body, Tlv.encode(0x5F37, sig)));
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    /** The signed part: the whole 7F4E object, tag and length included. */
    public byte[] body() {
        return body.clone();
    }

    /** The signature (plain r||s for ECDSA). */
    public byte[] signature() {
        return signature.clone();
    }

    /** Certification authority reference: the issuer's holder reference. */
    public String car() {
        return car;
    }

    /** Certificate holder reference (country, mnemonic, 5-digit sequence number). */
    public String chr() {
        return chr;
    }

    public Optional<LocalDate> effective() {
        return Optional.ofNullable(effective);
    }

    public Optional<LocalDate> expiry() {
        return Optional.ofNullable(expiry);
    }

    /** The public key; {@code issuerDomain} supplies EC domain parameters the certificate leaves out. */
    public PublicKey publicKey(EcCurves issuerDomain) {
        return CvcPublicKey.decode(publicKeyTemplate, issuerDomain);
    }

    public PublicKey publicKey() {
        return publicKey(null);
    }

    /** The curve named by the domain parameters in the key, or empty (RSA, or point only). */
    public Optional<EcCurves> curve() {
        return CvcPublicKey.curveIn(publicKeyTemplate);
    }

    /** True when {@code issuerKey} signed this certificate's body. */
    public boolean signedBy(PublicKey issuerKey) {
        return CvcSignatures.verify(issuerKey, body, signature);
    }

    private static String text(Tlv t) {
        return new String(t.value(), StandardCharsets.US_ASCII);
    }

    /** Dates are six bytes, one decimal digit each: YYMMDD. */
    static byte[] dateBytes(LocalDate d) {
        String s = String.format("%02d%02d%02d", d.getYear() % 100, d.getMonthValue(), d.getDayOfMonth());
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (byte) (s.charAt(i) - '0');
        }
        return out;
    }

    static LocalDate date(byte[] b) {
        if (b.length != 6) {
            throw new IllegalArgumentException("a CVC date has 6 digits");
        }
        return LocalDate.of(2000 + b[0] * 10 + b[1], b[2] * 10 + b[3], b[4] * 10 + b[5]);
    }

    @Override
    public String toString() {
        return "CVC " + chr + " issued by " + car;
    }
}
