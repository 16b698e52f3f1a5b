package org.hsmkit.testdata.schsm;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.BigIntegers;

/**
 * The public key template of a card verifiable certificate (tag 7F49, BSI TR-03110 part 3): the
 * signature algorithm OID, then for RSA the modulus (81) and exponent (82), for EC the domain
 * parameters (81 prime, 82 A, 83 B, 84 base point, 85 order, 87 cofactor) and the point (86).
 */
public final class CvcPublicKey {
    /** id-TA-RSA-v1-5-SHA-256: what the SmartCard-HSM uses for RSA keys. */
    public static final ASN1ObjectIdentifier TA_RSA_V1_5_SHA_256 = new ASN1ObjectIdentifier("0.4.0.127.0.7.2.2.2.1.2");
    /** id-TA-ECDSA-SHA-256: what the SmartCard-HSM uses for EC keys and its device certificates. */
    public static final ASN1ObjectIdentifier TA_ECDSA_SHA_256 = new ASN1ObjectIdentifier("0.4.0.127.0.7.2.2.2.2.3");

    private CvcPublicKey() {
    }

    /** The 7F49 template of {@code key}, with full domain parameters for EC keys. */
    public static byte[] encode(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return Tlv.encode(0x7F49, Tlv.encode(0x06, oidContent(TA_RSA_V1_5_SHA_256)),
                    Tlv.encode(0x81, BigIntegers.asUnsignedByteArray(rsa.getModulus())),
                    Tlv.encode(0x82, BigIntegers.asUnsignedByteArray(rsa.getPublicExponent())));
        }
        if (key instanceof ECPublicKey ec) {
            EcCurves curve = curveOf(ec);
            byte[] point = SubjectPublicKeyInfo.getInstance(ec.getEncoded()).getPublicKeyData().getBytes();
            return Tlv.encode(0x7F49, Tlv.encode(0x06, oidContent(TA_ECDSA_SHA_256)),
                    Tlv.encode(0x81, curve.primeBytes()), Tlv.encode(0x82, curve.coefficientA()),
                    Tlv.encode(0x83, curve.coefficientB()), Tlv.encode(0x84, curve.basePoint()),
                    Tlv.encode(0x85, curve.order()), Tlv.encode(0x86, point), Tlv.encode(0x87, curve.cofactor()));
        }
        throw new IllegalArgumentException("not an RSA or EC key: " + key.getAlgorithm());
    }

    /** The curve of an EC public key, by its prime. */
    public static EcCurves curveOf(ECPublicKey ec) {
        BigInteger p = ((java.security.spec.ECFieldFp) ec.getParams().getCurve().getField()).getP();
        return EcCurves.byPrime(BigIntegers.asUnsignedByteArray(p))
                .orElseThrow(() -> new IllegalArgumentException("a curve the SmartCard-HSM does not know"));
    }

    /**
     * Decodes a 7F49 template. EC keys need the domain parameters in the template ({@code issuerDomain}
     * supplies the prime when the template carries only the point, as later certificates of a chain may).
     */
    public static PublicKey decode(Tlv template, EcCurves issuerDomain) {
        List<Tlv> parts = template.children();
        ASN1ObjectIdentifier oid = ASN1ObjectIdentifier.fromContents(
                Tlv.find(parts, 0x06).orElseThrow(() -> new IllegalArgumentException("public key without OID")).value());
        try {
            if (oid.on(new ASN1ObjectIdentifier("0.4.0.127.0.7.2.2.2.1"))) {
                BigInteger n = new BigInteger(1, Tlv.find(parts, 0x81).orElseThrow().value());
                BigInteger e = new BigInteger(1, Tlv.find(parts, 0x82).orElseThrow().value());
                return KeyFactory.getInstance("RSA", CvcSignatures.PROVIDER).generatePublic(new RSAPublicKeySpec(n, e));
            }
            EcCurves curve = Tlv.find(parts, 0x81).map(t -> EcCurves.byPrime(t.value())
                    .orElseThrow(() -> new IllegalArgumentException("unknown curve"))).orElse(issuerDomain);
            if (curve == null) {
                throw new IllegalArgumentException("EC public key without domain parameters");
            }
            byte[] point = Tlv.find(parts, 0x86).orElseThrow(() -> new IllegalArgumentException("EC key without point"))
                    .value();
            SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve.oid()), point);
            return KeyFactory.getInstance("EC", CvcSignatures.PROVIDER).generatePublic(new java.security.spec.X509EncodedKeySpec(spki.getEncoded()));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot decode the public key template", e);
        }
    }

    static byte[] oidContent(ASN1ObjectIdentifier oid) {
        try {
            byte[] der = oid.getEncoded();
            return java.util.Arrays.copyOfRange(der, 2, der.length);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The EC curve a template names by its prime, or empty for RSA and point-only templates. */
    static java.util.Optional<EcCurves> curveIn(Tlv template) {
        List<Tlv> parts = new ArrayList<>(template.children());
        return Tlv.find(parts, 0x81).flatMap(t -> EcCurves.byPrime(t.value()));
    }
}
