package org.hsmkit.testdata.schsm;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * GENERATE ASYMMETRIC KEY PAIR (00 46, P1 the key reference). The command data is the body of a
 * CV certificate request: 5F29 profile, 42 authority reference, 7F49 public key template with the
 * algorithm OID and for RSA the exponent (82) and key size (02), for EC the domain parameters
 * (81 to 87), 5F20 holder reference; then optionally 90 key use counter (4 bytes), 91 allowed
 * algorithms, 92 key domain.
 *
 * <p>The answer is an authenticated CV request for the new key: the request signed by the new key
 * (inner signature), then signed with the device key under the device's holder reference (outer
 * signature, tag 42 and 5F37 after the 7F21 object). That outer signature is the key's
 * attestation: only this device could have made it.
 */
final class KeyGeneration {
    private static final int MIN_RSA_BITS = 1024;
    private static final int MAX_RSA_BITS = 4096;
    private final CardState card;

    KeyGeneration(CardState card) {
        this.card = card;
    }

    Response generate(Apdu a) {
        card.requireUserPin();
        int ref = a.p1();
        if (ref == CardState.DEVICE_KEY) {
            throw Sw.fail(Sw.INCORRECT_P1P2, "key reference 0 is the device key");
        }
        List<Tlv> request;
        Tlv template;
        try {
            request = Tlv.parseAll(a.data());
            template = Tlv.find(request, 0x7F49).orElseThrow(() -> Sw.fail(Sw.WRONG_DATA, "no public key template"));
        } catch (IllegalArgumentException e) {
            throw Sw.fail(Sw.WRONG_DATA, e.getMessage());
        }
        List<Tlv> fields = template.children();
        ASN1ObjectIdentifier oid = ASN1ObjectIdentifier.fromContents(
                Tlv.find(fields, 0x06).orElseThrow(() -> Sw.fail(Sw.WRONG_DATA, "no algorithm")).value());
        KeyPair pair;
        if (oid.on(new ASN1ObjectIdentifier("0.4.0.127.0.7.2.2.2.1"))) {
            int bits = Tlv.find(fields, 0x02).map(t -> FileCommands.unsigned(t.value())).orElse(2048);
            BigInteger e = Tlv.find(fields, 0x82).map(t -> new BigInteger(1, t.value())).orElse(RSAKeyGenParameterSpec.F4);
            pair = rsa(bits, e);
        } else if (oid.on(new ASN1ObjectIdentifier("0.4.0.127.0.7.2.2.2.2"))) {
            byte[] prime = Tlv.find(fields, 0x81).orElseThrow(() -> Sw.fail(Sw.WRONG_DATA, "no curve")).value();
            EcCurves curve = EcCurves.byPrime(prime).orElseThrow(() -> Sw.fail(Sw.FUNCTION_NOT_SUPPORTED, "unknown curve"));
            pair = ec(curve);
        } else {
            throw Sw.fail(Sw.FUNCTION_NOT_SUPPORTED, "algorithm " + oid);
        }
        long uses = Tlv.find(request, 0x90).map(t -> (long) new BigInteger(1, t.value()).longValueExact()).orElse(-1L);
        byte[] algorithms = Tlv.find(request, 0x91).map(Tlv::value).orElse(null);
        card.keys.put(ref, new KeyEntry(pair, algorithms, uses));
        byte[] car = Tlv.find(request, 0x42).map(Tlv::value).orElse("UTCA00001".getBytes(StandardCharsets.US_ASCII));
        byte[] chr = Tlv.find(request, 0x5F20).map(Tlv::value).orElse("UTTM00001".getBytes(StandardCharsets.US_ASCII));
        return Response.ok(authenticatedRequest(pair, oid, car, chr));
    }

    private byte[] authenticatedRequest(KeyPair pair, ASN1ObjectIdentifier oid, byte[] car, byte[] chr) {
        byte[] publicKey = CvcPublicKey.encode(pair.getPublic());
        // keep the algorithm OID of the request (it names the hash the key is meant for)
        Tlv pk = Tlv.parseFirst(publicKey);
        List<Tlv> parts = new java.util.ArrayList<>(pk.children());
        parts.set(0, new Tlv(0x06, CvcPublicKey.oidContent(oid)));
        byte[][] encodedParts = parts.stream().map(Tlv::encoded).toArray(byte[][]::new);
        byte[] body = Tlv.encode(0x7F4E, Tlv.encode(0x5F29, new byte[] {0}), Tlv.encode(0x42, car),
                Tlv.encode(0x7F49, encodedParts), Tlv.encode(0x5F20, chr));
        byte[] inner = Tlv.encode(0x7F21, body, Tlv.encode(0x5F37, CvcSignatures.sign(pair.getPrivate(), body)));
        byte[] outerCar = Tlv.encode(0x42, card.device.device().chr().getBytes(StandardCharsets.US_ASCII));
        byte[] signed = new byte[inner.length + outerCar.length];
        System.arraycopy(inner, 0, signed, 0, inner.length);
        System.arraycopy(outerCar, 0, signed, inner.length, outerCar.length);
        byte[] outer = CvcSignatures.sign(card.device.deviceKey().getPrivate(), signed);
        return Tlv.encode(0x67, inner, outerCar, Tlv.encode(0x5F37, outer));
    }

    private static KeyPair rsa(int bits, BigInteger exponent) {
        if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS || bits % 256 != 0) {
            throw Sw.fail(Sw.WRONG_DATA, "RSA key size " + bits);
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(new RSAKeyGenParameterSpec(bits, exponent));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw Sw.fail(Sw.WRONG_DATA, "RSA key generation: " + e.getMessage());
        }
    }

    static KeyPair ec(EcCurves curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", CvcSignatures.PROVIDER);
            g.initialize(new ECGenParameterSpec(curve.curveName()));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
