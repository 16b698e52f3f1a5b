package org.hsmkit.core.internal.card;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.util.BigIntegers;
import org.hsmkit.core.KeyType;

/**
 * The data of GENERATE ASYMMETRIC KEY PAIR: the body of a CV request as OpenSC builds it
 * (profile identifier 0, CAR "UTCA00001", the public key template, CHR "UTTM00001") followed
 * by the SmartCard-HSM's key use counter (90, four bytes) when one is wanted. For RSA the
 * template holds the exponent and the key size, for EC the full domain parameters of the curve.
 */
final class GakpRequest {
    private GakpRequest() {
    }

    static byte[] of(KeyType type, long useCounter) {
        byte[] key;
        if (type.isRsa()) {
            key = Tlv.encode(0x7F49, Tlv.encode(0x06, oidContents(CvcPublicKey.RSA_SHA256)),
                    Tlv.encode(0x82, new byte[] {0x01, 0x00, 0x01}),
                    Tlv.encode(0x02, new byte[] {(byte) (type.bits() >>> 8), (byte) type.bits()}));
        } else {
            X9ECParameters p = ECNamedCurveTable.getByName(type.curveName().orElseThrow());
            int size = (p.getCurve().getFieldSize() + 7) / 8;
            key = Tlv.encode(0x7F49, Tlv.encode(0x06, oidContents(CvcPublicKey.ECDSA_SHA256)),
                    Tlv.encode(0x81, BigIntegers.asUnsignedByteArray(size, p.getCurve().getField().getCharacteristic())),
                    Tlv.encode(0x82, BigIntegers.asUnsignedByteArray(size, p.getCurve().getA().toBigInteger())),
                    Tlv.encode(0x83, BigIntegers.asUnsignedByteArray(size, p.getCurve().getB().toBigInteger())),
                    Tlv.encode(0x84, p.getG().getEncoded(false)),
                    Tlv.encode(0x85, BigIntegers.asUnsignedByteArray(p.getN())),
                    Tlv.encode(0x87, BigIntegers.asUnsignedByteArray(p.getH() == null ? BigInteger.ONE : p.getH())));
        }
        byte[] body = concat(Tlv.encode(0x5F29, new byte[] {0}), Tlv.encode(0x42, ascii("UTCA00001")), key,
                Tlv.encode(0x5F20, ascii("UTTM00001")));
        if (useCounter > 0) {
            if (useCounter > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("use counter above 2^32-1");
            }
            body = concat(body, Tlv.encode(0x90, new byte[] {(byte) (useCounter >>> 24), (byte) (useCounter >>> 16),
                (byte) (useCounter >>> 8), (byte) useCounter}));
        }
        return body;
    }

    private static byte[] oidContents(org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
        try {
            byte[] der = oid.getEncoded();
            return java.util.Arrays.copyOfRange(der, 2, der.length);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
