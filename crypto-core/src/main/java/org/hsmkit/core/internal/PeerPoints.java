package org.hsmkit.core.internal;

import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;

import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.math.ec.ECCurve;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.internal.soft.KeyTypes;

/**
 * Checks an ECDH peer's public key before a private key is used with it. A point that is not on
 * the key's curve (or lies on another curve, or is the point at infinity, or has a coordinate
 * outside the field) would let the peer learn bits of the private key from the results of
 * key agreement — the invalid-curve attack — so it is refused on the host, before any token sees
 * it. The check uses the curve's own constants, never parameters the peer key carries. The
 * curves hsmkit supports have cofactor 1: the point at infinity is their only point of small order.
 */
public final class PeerPoints {
    private PeerPoints() {
    }

    /**
     * The peer's point as {@code 04‖X‖Y}, after checking it.
     *
     * @throws HsmkitException INPUT for a key on another curve or a point not on {@code curve}
     */
    public static byte[] uncompressed(ECPublicKey peer, KeyType curve) {
        KeyType peerType;
        try {
            peerType = KeyTypes.of(peer);
        } catch (RuntimeException e) {
            throw refused("the peer key is not on a named curve hsmkit supports", e);
        }
        if (peerType != curve) {
            throw HsmkitException.input("the peer key is on " + peerType.curveName().orElse("?") + ", this key on "
                    + curve.curveName().orElse("?"), "ECDH needs both keys on the same curve");
        }
        ECPoint w = peer.getW();
        if (w == null || ECPoint.POINT_INFINITY.equals(w)) {
            throw refused("the peer key is the point at infinity", null);
        }
        return check(curve, w.getAffineX(), w.getAffineY()).getEncoded(false);
    }

    /**
     * Decodes a point as a CMS originator key or a raw public key carries it: uncompressed
     * ({@code 04}) or compressed ({@code 02}/{@code 03}), nothing else, and checks it.
     *
     * @throws HsmkitException INPUT for any other encoding or a point not on {@code curve}
     */
    public static byte[] uncompressed(byte[] encoded, KeyType curve) {
        if (!curve.isEc()) {
            throw HsmkitException.input("a key-agreement recipient names the " + curve + " key; ECDH needs an EC key",
                    "the file is damaged, or was made for another key");
        }
        X9ECParameters x9 = parameters(curve);
        int size = (x9.getCurve().getFieldSize() + 7) / 8;
        boolean uncompressed = encoded.length == 2 * size + 1 && encoded[0] == 0x04;
        boolean compressed = encoded.length == size + 1 && (encoded[0] == 0x02 || encoded[0] == 0x03);
        if (!uncompressed && !compressed) {
            throw refused(encoded.length == 1 && encoded[0] == 0 ? "the peer key is the point at infinity"
                    : "the peer point is neither an uncompressed nor a compressed point of " + curve.curveName().orElse("?"), null);
        }
        org.bouncycastle.math.ec.ECPoint p;
        try {
            p = x9.getCurve().decodePoint(encoded);
        } catch (RuntimeException e) {
            throw refused("the peer point is not on " + curve.curveName().orElse("the curve"), e);
        }
        return check(curve, p.getAffineXCoord().toBigInteger(), p.getAffineYCoord().toBigInteger()).getEncoded(false);
    }

    private static org.bouncycastle.math.ec.ECPoint check(KeyType curve, BigInteger x, BigInteger y) {
        X9ECParameters x9 = parameters(curve);
        ECCurve c = x9.getCurve();
        BigInteger p = c.getField().getCharacteristic();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            throw refused("a coordinate of the peer point lies outside the field of " + curve.curveName().orElse("the curve"), null);
        }
        org.bouncycastle.math.ec.ECPoint q;
        try {
            q = c.validatePoint(x, y);
        } catch (RuntimeException e) {
            throw refused("the peer point is not on " + curve.curveName().orElse("the curve"), e);
        }
        if (q.isInfinity() || (!BigInteger.ONE.equals(x9.getH()) && !q.multiply(x9.getN()).isInfinity())) {
            throw refused("the peer point is not in the curve's group of prime order", null);
        }
        return q;
    }

    private static X9ECParameters parameters(KeyType curve) {
        X9ECParameters x9 = ECNamedCurveTable.getByName(curve.curveName().orElseThrow());
        if (x9 == null) {
            throw new IllegalStateException("no parameters for " + curve);
        }
        return x9;
    }

    private static HsmkitException refused(String why, Exception cause) {
        return HsmkitException.input(why + "; refused before the private key was used",
                "the file was damaged or made to attack the key; get it again from its sender", cause);
    }
}
