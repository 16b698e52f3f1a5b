package org.hsmkit.testdata.schsm;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * The elliptic curves the SmartCard-HSM generates keys on. The card names a curve by its domain
 * parameters in a key generation request (prime, coefficients, base point, order, cofactor),
 * not by an OID; the simulator finds the curve by its prime.
 */
public enum EcCurves {
    SECP192R1("secp192r1", "1.2.840.10045.3.1.1"),
    SECP256R1("secp256r1", "1.2.840.10045.3.1.7"),
    SECP384R1("secp384r1", "1.3.132.0.34"),
    SECP521R1("secp521r1", "1.3.132.0.35"),
    BRAINPOOLP192R1("brainpoolP192r1", "1.3.36.3.3.2.8.1.1.3"),
    BRAINPOOLP224R1("brainpoolP224r1", "1.3.36.3.3.2.8.1.1.5"),
    BRAINPOOLP256R1("brainpoolP256r1", "1.3.36.3.3.2.8.1.1.7"),
    BRAINPOOLP320R1("brainpoolP320r1", "1.3.36.3.3.2.8.1.1.9"),
    BRAINPOOLP384R1("brainpoolP384r1", "1.3.36.3.3.2.8.1.1.11"),
    BRAINPOOLP512R1("brainpoolP512r1", "1.3.36.3.3.2.8.1.1.13");

    private final String curveName;
    private final ASN1ObjectIdentifier oid;
    private final X9ECParameters params;

    EcCurves(String curveName, String oid) {
        this.curveName = curveName;
        this.oid = new ASN1ObjectIdentifier(oid);
        this.params = ECNamedCurveTable.getByOID(this.oid);
    }

    /** The standard name, as Bouncy Castle and OpenSSL spell it. */
    public String curveName() {
        return curveName;
    }

    public ASN1ObjectIdentifier oid() {
        return oid;
    }

    public ECDomainParameters domain() {
        return new ECDomainParameters(params);
    }

    /** The field size in bits (521 for secp521r1). */
    public int fieldBits() {
        return params.getCurve().getFieldSize();
    }

    /** The length in bytes of one coordinate. */
    public int fieldBytes() {
        return (fieldBits() + 7) / 8;
    }

    public BigInteger prime() {
        return params.getCurve().getField().getCharacteristic();
    }

    /** Prime, coefficient A, B, base point, order and cofactor as the CVC public key tags 81 to 85 and 87 hold them. */
    public byte[] primeBytes() {
        return BigIntegers.asUnsignedByteArray(fieldBytes(), prime());
    }

    public byte[] coefficientA() {
        return BigIntegers.asUnsignedByteArray(fieldBytes(), params.getCurve().getA().toBigInteger());
    }

    public byte[] coefficientB() {
        return BigIntegers.asUnsignedByteArray(fieldBytes(), params.getCurve().getB().toBigInteger());
    }

    public byte[] basePoint() {
        return params.getG().getEncoded(false);
    }

    public byte[] order() {
        return BigIntegers.asUnsignedByteArray(params.getN());
    }

    public byte[] cofactor() {
        return BigIntegers.asUnsignedByteArray(params.getH());
    }

    public ECPoint decodePoint(byte[] encoded) {
        return params.getCurve().decodePoint(encoded);
    }

    /** The curve with this prime (the card's way of naming a curve), or empty. */
    public static Optional<EcCurves> byPrime(byte[] prime) {
        BigInteger p = new BigInteger(1, prime);
        return Arrays.stream(values()).filter(c -> c.prime().equals(p)).findFirst();
    }

    public static Optional<EcCurves> byOid(ASN1ObjectIdentifier oid) {
        return Arrays.stream(values()).filter(c -> c.oid.equals(oid)).findFirst();
    }

    public static Optional<EcCurves> byName(String name) {
        return Arrays.stream(values()).filter(c -> c.curveName.equalsIgnoreCase(name)).findFirst();
    }

    /** The curves a Nitrokey HSM 2 generates keys on and hsmkit offers. */
    public static List<EcCurves> hsmkitCurves() {
        return List.of(SECP256R1, SECP384R1, SECP521R1, BRAINPOOLP256R1, BRAINPOOLP384R1, BRAINPOOLP512R1);
    }
}
