package org.hsmkit.testdata.schsm;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * Device authentication: chip authentication (BSI TR-03110, id-CA-ECDH-AES-CBC-CMAC-128) with the
 * device key, as OpenSC runs it when built with OpenPACE and as CardContact's tools do.
 *
 * <ol>
 * <li>MSE SET AT (00 22 41 A4) with 80 = the protocol OID.</li>
 * <li>GENERAL AUTHENTICATE (00 86 00 00) with 7C { 80 host ephemeral public point }. The card
 * computes the ECDH secret with its device key, picks an 8-byte nonce, derives Kenc and Kmac
 * (SHA-1 of secret | nonce | counter 1 or 2, first 16 bytes) and answers 7C { 81 nonce, 82 token },
 * the token being the AES CMAC under Kmac of 7F49 { 06 protocol OID, 86 host point }, 8 bytes.
 * The host, knowing the device public key from the certificate, computes the same token: only the
 * holder of the device private key can have made it.</li>
 * <li>Secure messaging follows (ISO/IEC 7816-4, CLA with bits 0C, DOs 87, 97, 99, 8E, send
 * sequence counter from zero, IV = AES(Kenc, SSC)). A plain command ends it.</li>
 * </ol>
 */
final class ChipAuthentication {
    static final ASN1ObjectIdentifier CA_ECDH_AES_CBC_CMAC_128 = new ASN1ObjectIdentifier("0.4.0.127.0.7.2.2.3.2.2");
    private final CardState card;

    ChipAuthentication(CardState card) {
        this.card = card;
    }

    Response mse(Apdu a) {
        if (a.p1() != 0x41 || a.p2() != 0xA4) {
            throw Sw.fail(Sw.INCORRECT_P1P2, "MSE other than SET AT for authentication");
        }
        List<Tlv> parts;
        try {
            parts = Tlv.parseAll(a.data());
        } catch (IllegalArgumentException e) {
            throw Sw.fail(Sw.WRONG_DATA, e.getMessage());
        }
        byte[] oid = Tlv.find(parts, 0x80).map(Tlv::value).orElseThrow(() -> Sw.fail(Sw.WRONG_DATA, "no protocol"));
        if (!Arrays.equals(oid, CvcPublicKey.oidContent(CA_ECDH_AES_CBC_CMAC_128))) {
            throw Sw.fail(Sw.WRONG_DATA, "protocol " + ASN1ObjectIdentifier.fromContents(oid) + " is not supported");
        }
        card.mseProtocol = CA_ECDH_AES_CBC_CMAC_128.getId();
        return Response.ok();
    }

    Response generalAuthenticate(Apdu a) {
        if (card.mseProtocol == null) {
            throw Sw.fail(Sw.CONDITIONS_NOT_SATISFIED, "no MSE SET AT before GENERAL AUTHENTICATE");
        }
        byte[] hostPoint;
        try {
            Tlv dynamic = Tlv.parseFirst(a.data());
            if (dynamic.tag() != 0x7C) {
                throw Sw.fail(Sw.WRONG_DATA, "no dynamic authentication data");
            }
            hostPoint = dynamic.child(0x80).orElseThrow(() -> Sw.fail(Sw.WRONG_DATA, "no ephemeral key")).value();
        } catch (IllegalArgumentException e) {
            throw Sw.fail(Sw.WRONG_DATA, e.getMessage());
        }
        ECPrivateKey dk = (ECPrivateKey) card.device.deviceKey().getPrivate();
        EcCurves curve = CvcPublicKey.curveOf((ECPublicKey) card.device.deviceKey().getPublic());
        ECPoint q;
        try {
            q = curve.decodePoint(hostPoint);
        } catch (IllegalArgumentException e) {
            throw Sw.fail(Sw.WRONG_DATA, "the ephemeral key is not on " + curve.curveName());
        }
        ECPoint shared = q.multiply(dk.getS()).normalize();
        byte[] secret = BigIntegers.asUnsignedByteArray(curve.fieldBytes(), shared.getAffineXCoord().toBigInteger());
        byte[] nonce = card.random(8);
        byte[] kEnc = kdf(secret, nonce, 1);
        byte[] kMac = kdf(secret, nonce, 2);
        byte[] token = token(kMac, hostPoint);
        card.mseProtocol = null;
        card.secureMessaging = new Session(kEnc, kMac);
        return Response.ok(Tlv.encode(0x7C, Tlv.encode(0x81, nonce), Tlv.encode(0x82, token)));
    }

    /** The authentication token over the host's ephemeral public key: what the host checks. */
    static byte[] token(byte[] kMac, byte[] hostPoint) {
        byte[] input = Tlv.encode(0x7F49, Tlv.encode(0x06, CvcPublicKey.oidContent(CA_ECDH_AES_CBC_CMAC_128)),
                Tlv.encode(0x86, hostPoint));
        return Arrays.copyOf(KeyBlob.cmac(kMac, input), 8);
    }

    /** TR-03111 key derivation for AES-128: SHA-1(secret | nonce | counter), first 16 bytes. */
    static byte[] kdf(byte[] secret, byte[] nonce, int counter) {
        SHA1Digest d = new SHA1Digest();
        d.update(secret, 0, secret.length);
        d.update(nonce, 0, nonce.length);
        byte[] c = {0, 0, 0, (byte) counter};
        d.update(c, 0, 4);
        byte[] out = new byte[20];
        d.doFinal(out, 0);
        return Arrays.copyOf(out, 16);
    }

    /** One secure messaging session after chip authentication. */
    static final class Session {
        private final byte[] kEnc;
        private final byte[] kMac;
        private BigInteger ssc = BigInteger.ZERO;

        Session(byte[] kEnc, byte[] kMac) {
            this.kEnc = kEnc;
            this.kMac = kMac;
        }

        /** Checks the MAC of a protected command and returns the plain command. */
        Apdu unwrap(Apdu a) {
            ssc = ssc.add(BigInteger.ONE);
            List<Tlv> dos;
            try {
                dos = Tlv.parseAll(a.data());
            } catch (IllegalArgumentException e) {
                throw Sw.fail(Sw.SM_DATA_OBJECTS_INCORRECT, e.getMessage());
            }
            byte[] mac = Tlv.find(dos, 0x8E).map(Tlv::value)
                    .orElseThrow(() -> Sw.fail(Sw.SM_DATA_OBJECTS_INCORRECT, "no MAC"));
            ByteArrayOutputStream macInput = new ByteArrayOutputStream();
            macInput.writeBytes(pad(new byte[] {(byte) a.cla(), (byte) a.ins(), (byte) a.p1(), (byte) a.p2()}));
            boolean objects = false;
            for (Tlv t : dos) {
                if (t.tag() == 0x87 || t.tag() == 0x85 || t.tag() == 0x97) {
                    macInput.writeBytes(t.encoded());
                    objects = true;
                }
            }
            // the header is padded on its own; the data objects after it are padded only when present
            byte[] expected = mac(macInput.toByteArray(), objects);
            if (!MessageDigest.isEqual(expected, mac)) {
                throw Sw.fail(Sw.SM_DATA_OBJECTS_INCORRECT, "the command MAC does not verify");
            }
            byte[] data = new byte[0];
            var cryptogram = Tlv.find(dos, 0x87);
            if (cryptogram.isPresent()) {
                byte[] v = cryptogram.get().value();
                if (v.length < 17 || v[0] != 0x01) {
                    throw Sw.fail(Sw.SM_DATA_OBJECTS_INCORRECT, "bad cryptogram");
                }
                data = unpad(KeyBlob.cbcWithIv(false, kEnc, iv(), Arrays.copyOfRange(v, 1, v.length)));
            }
            int ne = Tlv.find(dos, 0x97).map(t -> {
                int le = FileCommands.unsigned(t.value());
                return le == 0 ? (t.value().length > 1 ? 65536 : 256) : le;
            }).orElse(0);
            return new Apdu(a.cla() & ~0x0C, a.ins(), a.p1(), a.p2(), data, ne, ne > 256);
        }

        /** Protects a response: 87 cryptogram (when there is data), 99 status, 8E MAC. */
        byte[] wrap(Response r) {
            ssc = ssc.add(BigInteger.ONE);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (r.data().length > 0) {
                byte[] enc = KeyBlob.cbcWithIv(true, kEnc, iv(), pad(r.data()));
                byte[] v = new byte[enc.length + 1];
                v[0] = 0x01;
                System.arraycopy(enc, 0, v, 1, enc.length);
                body.writeBytes(Tlv.encode(0x87, v));
            }
            body.writeBytes(Tlv.encode(0x99, new byte[] {(byte) (r.sw() >>> 8), (byte) r.sw()}));
            byte[] mac = mac(body.toByteArray(), true);
            body.writeBytes(Tlv.encode(0x8E, mac));
            return new Response(body.toByteArray(), r.sw()).encoded();
        }

        private byte[] iv() {
            return KeyBlob.cbcWithIv(true, kEnc, new byte[16], BigIntegers.asUnsignedByteArray(16, ssc));
        }

        /** CMAC under Kmac of SSC | data (padded when {@code padTail}), first 8 bytes. */
        private byte[] mac(byte[] data, boolean padTail) {
            byte[] input = new byte[16 + data.length];
            System.arraycopy(BigIntegers.asUnsignedByteArray(16, ssc), 0, input, 0, 16);
            System.arraycopy(data, 0, input, 16, data.length);
            return Arrays.copyOf(KeyBlob.cmac(kMac, padTail ? pad(input) : input), 8);
        }
    }

    /** ISO/IEC 9797-1 padding method 2 to 16 bytes. */
    static byte[] pad(byte[] in) {
        byte[] out = Arrays.copyOf(in, (in.length / 16 + 1) * 16);
        out[in.length] = (byte) 0x80;
        return out;
    }

    static byte[] unpad(byte[] in) {
        int i = in.length - 1;
        while (i >= 0 && in[i] == 0) {
            i--;
        }
        if (i < 0 || in[i] != (byte) 0x80) {
            throw Sw.fail(Sw.SM_DATA_OBJECTS_INCORRECT, "bad padding");
        }
        return Arrays.copyOf(in, i);
    }
}
