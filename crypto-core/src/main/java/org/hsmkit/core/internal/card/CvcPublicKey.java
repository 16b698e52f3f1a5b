package org.hsmkit.core.internal.card;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA224Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.hsmkit.core.internal.Providers;

/**
 * The public key data object ({@code 7F49}) of a card verifiable certificate or request: an
 * algorithm identifier from BSI TR-03110 ({@code id-TA-ECDSA-SHA-256}, {@code id-TA-RSA-v1-5-SHA-256},
 * ...) and the key. Elliptic-curve keys carry the domain parameters (81 prime, 82 a, 83 b, 84 base
 * point, 85 order, 87 cofactor) or inherit them from the issuer; 86 is the public point. RSA keys
 * carry 81 modulus and 82 exponent.
 */
public final class CvcPublicKey {
    /** id-TA: 0.4.0.127.0.7.2.2.2 */
    static final ASN1ObjectIdentifier ID_TA = new ASN1ObjectIdentifier("0.4.0.127.0.7.2.2.2");
    static final ASN1ObjectIdentifier ID_TA_RSA = ID_TA.branch("1");
    static final ASN1ObjectIdentifier ID_TA_ECDSA = ID_TA.branch("2");
    /** id-TA-ECDSA-SHA-256, what the SmartCard-HSM's own keys sign with. */
    public static final ASN1ObjectIdentifier ECDSA_SHA256 = ID_TA_ECDSA.branch("3");
    /** id-TA-RSA-v1-5-SHA-256, what OpenSC asks the SmartCard-HSM for when it generates RSA keys. */
    public static final ASN1ObjectIdentifier RSA_SHA256 = ID_TA_RSA.branch("2");

    private final ASN1ObjectIdentifier algorithm;
    private final byte[][] parameters; // p, a, b, G, n, h; null when inherited
    private final byte[] pointOrModulus;
    private final byte[] exponent;

    private CvcPublicKey(ASN1ObjectIdentifier algorithm, byte[][] parameters, byte[] pointOrModulus, byte[] exponent) {
        this.algorithm = algorithm;
        this.parameters = parameters;
        this.pointOrModulus = pointOrModulus;
        this.exponent = exponent;
    }

    /** Parses a {@code 7F49} data object. */
    public static CvcPublicKey parse(Tlv key) {
        ASN1ObjectIdentifier oid = ASN1ObjectIdentifier.fromContents(key.require(0x06).value());
        if (oid.on(ID_TA_RSA)) {
            return new CvcPublicKey(oid, null, stripZeros(key.require(0x81).value()), key.require(0x82).value());
        }
        if (!oid.on(ID_TA_ECDSA)) {
            throw new IllegalArgumentException("unknown public key algorithm " + oid);
        }
        byte[][] params = null;
        if (key.child(0x81).isPresent()) {
            params = new byte[][] {key.require(0x81).value(), key.require(0x82).value(), key.require(0x83).value(),
                key.require(0x84).value(), key.require(0x85).value(), key.child(0x87).map(Tlv::value).orElse(new byte[] {1})};
        }
        return new CvcPublicKey(oid, params, key.require(0x86).value(), null);
    }

    public ASN1ObjectIdentifier algorithm() {
        return algorithm;
    }

    public boolean isRsa() {
        return algorithm.on(ID_TA_RSA);
    }

    public boolean hasDomainParameters() {
        return isRsa() || parameters != null;
    }

    /** This key with the domain parameters of {@code issuer}. */
    public CvcPublicKey withParametersOf(CvcPublicKey issuer) {
        if (hasDomainParameters()) {
            return this;
        }
        if (issuer.isRsa() || issuer.parameters == null) {
            throw new IllegalArgumentException("the issuer's key has no elliptic-curve domain parameters to inherit");
        }
        return new CvcPublicKey(algorithm, issuer.parameters, pointOrModulus, null);
    }

    public byte[] pointOrModulus() {
        return pointOrModulus.clone();
    }

    /** The elliptic-curve domain of this key. */
    public ECDomainParameters domain() {
        if (isRsa() || parameters == null) {
            throw new IllegalStateException("no elliptic-curve domain parameters");
        }
        BigInteger n = new BigInteger(1, parameters[4]);
        BigInteger h = new BigInteger(1, parameters[5]);
        ECCurve curve = new ECCurve.Fp(new BigInteger(1, parameters[0]), new BigInteger(1, parameters[1]),
                new BigInteger(1, parameters[2]), n, h);
        return new ECDomainParameters(curve, curve.decodePoint(parameters[3]), n, h);
    }

    /** The public point on this key's curve (validated: on the curve, not infinity). */
    public ECPublicKeyParameters ecKey() {
        ECDomainParameters d = domain();
        ECPoint q = d.getCurve().decodePoint(pointOrModulus);
        return new ECPublicKeyParameters(q, d);
    }

    /** The name of the standard curve with these domain parameters, when it is one. */
    public Optional<String> curveName() {
        if (isRsa() || parameters == null) {
            return Optional.empty();
        }
        ECDomainParameters d = domain();
        for (Enumeration<?> names = ECNamedCurveTable.getNames(); names.hasMoreElements();) {
            String name = (String) names.nextElement();
            X9ECParameters x = ECNamedCurveTable.getByName(name);
            if (x != null && x.getCurve().equals(d.getCurve()) && x.getG().equals(d.getG()) && x.getN().equals(d.getN())) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** As a JCA key (an EC key on a named curve, or RSA), to compare with a token key's public key. */
    public PublicKey toJca() {
        try {
            if (isRsa()) {
                return KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(new BigInteger(1, pointOrModulus), new BigInteger(1, exponent)));
            }
            String name = curveName().orElseThrow(() -> new IllegalArgumentException("the key is not on a standard curve"));
            ECPublicKeyParameters k = ecKey();
            org.bouncycastle.jce.spec.ECNamedCurveParameterSpec spec = org.bouncycastle.jce.ECNamedCurveTable.getParameterSpec(name);
            // Bouncy Castle's key: the JDK 17 provider no longer knows the brainpool curves
            return KeyFactory.getInstance("EC", Providers.bc()).generatePublic(new ECPublicKeySpec(k.getQ(), spec));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the public key: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code signature} is this key's signature over {@code data} with this key's algorithm
     * (ECDSA as r‖s, RSA PKCS#1 v1.5 or PSS).
     */
    public boolean verify(byte[] data, byte[] signature) {
        if (isRsa()) {
            return verifyRsa(data, signature);
        }
        if (signature.length == 0 || signature.length % 2 != 0) {
            return false;
        }
        Digest digest = ecdsaDigest();
        digest.update(data, 0, data.length);
        byte[] hash = new byte[digest.getDigestSize()];
        digest.doFinal(hash, 0);
        ECDSASigner signer = new ECDSASigner();
        try {
            signer.init(false, ecKey());
        } catch (IllegalArgumentException e) {
            return false; // not a point on the curve
        }
        int half = signature.length / 2;
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, half));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, half, signature.length));
        return signer.verifySignature(hash, r, s);
    }

    private Digest ecdsaDigest() {
        String last = algorithm.getId().substring(ID_TA_ECDSA.getId().length() + 1);
        return switch (last) {
            case "1" -> new SHA1Digest();
            case "2" -> new SHA224Digest();
            case "3" -> new SHA256Digest();
            case "4" -> new SHA384Digest();
            case "5" -> new SHA512Digest();
            default -> throw new IllegalArgumentException("unknown ECDSA algorithm " + algorithm);
        };
    }

    private boolean verifyRsa(byte[] data, byte[] signature) {
        String last = algorithm.getId().substring(ID_TA_RSA.getId().length() + 1);
        try {
            Signature s;
            switch (last) {
                case "1" -> s = Signature.getInstance("SHA1withRSA");
                case "2" -> s = Signature.getInstance("SHA256withRSA");
                case "5" -> s = Signature.getInstance("SHA512withRSA");
                case "3", "4", "6" -> {
                    String h = last.equals("3") ? "SHA-1" : last.equals("4") ? "SHA-256" : "SHA-512";
                    s = Signature.getInstance("RSASSA-PSS");
                    s.setParameter(new PSSParameterSpec(h, "MGF1", new MGF1ParameterSpec(h),
                            last.equals("3") ? 20 : last.equals("4") ? 32 : 64, 1));
                }
                default -> throw new IllegalArgumentException("unknown RSA algorithm " + algorithm);
            }
            s.initVerify(toJca());
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] stripZeros(byte[] b) {
        int i = 0;
        while (i < b.length - 1 && b[i] == 0) {
            i++;
        }
        return Arrays.copyOfRange(b, i, b.length);
    }

}
