package org.hsmkit.core.internal.card;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * The host side of the SmartCard-HSM's device authentication: chip authentication version 2 of
 * BSI TR-03110 with {@code id-CA-ECDH-AES-CBC-CMAC-128}, as OpenSC runs it before opening secure
 * messaging. The host sends an ephemeral public key on the device key's curve; the device answers
 * with a nonce and an authentication token, a CMAC under a key derived from the ECDH secret of
 * that ephemeral key and the device's private key. Only the holder of the private key that the
 * device certificate certifies can compute it.
 *
 * <p>This class does the arithmetic; the APDUs are the caller's: MSE:Set AT with {@link #mseData()},
 * GENERAL AUTHENTICATE with {@link #generalAuthenticateData()}, then {@link #verify}.
 */
public final class ChipAuthentication {
    /** id-CA-ECDH-AES-CBC-CMAC-128: 0.4.0.127.0.7.2.2.3.2.2 */
    public static final ASN1ObjectIdentifier CA_ECDH_AES128 = new ASN1ObjectIdentifier("0.4.0.127.0.7.2.2.3.2.2");

    private final ECPublicKeyParameters deviceKey;
    private final ECPrivateKeyParameters ephemeralPrivate;
    private final byte[] ephemeralPoint;

    private ChipAuthentication(ECPublicKeyParameters deviceKey, AsymmetricCipherKeyPair ephemeral) {
        this.deviceKey = deviceKey;
        this.ephemeralPrivate = (ECPrivateKeyParameters) ephemeral.getPrivate();
        this.ephemeralPoint = ((ECPublicKeyParameters) ephemeral.getPublic()).getQ().getEncoded(false);
    }

    /** Starts a run against the device key read from its certificate. */
    public static ChipAuthentication start(ECPublicKeyParameters deviceKey, SecureRandom random) {
        ECKeyPairGenerator gen = new ECKeyPairGenerator();
        gen.init(new ECKeyGenerationParameters(deviceKey.getParameters(), random));
        return new ChipAuthentication(deviceKey, gen.generateKeyPair());
    }

    /** Data of MSE:Set AT (00 22 41 A4): the protocol object identifier. */
    public byte[] mseData() {
        return Tlv.encode(0x80, oidContents());
    }

    /** Data of GENERAL AUTHENTICATE (00 86 00 00): the ephemeral public key in a dynamic authentication data object. */
    public byte[] generalAuthenticateData() {
        return Tlv.encode(0x7C, Tlv.encode(0x80, ephemeralPoint));
    }

    /** The ephemeral public point sent to the device (04 ‖ X ‖ Y). */
    public byte[] ephemeralPoint() {
        return ephemeralPoint.clone();
    }

    /**
     * Checks the device's answer to GENERAL AUTHENTICATE.
     *
     * @param response the response data, {@code 7C { 81 nonce, 82 token }}
     * @return whether the token proves the device holds the private key of {@code deviceKey}
     * @throws IllegalArgumentException when the answer is not of that form
     */
    public boolean verify(byte[] response) {
        Tlv dado = Tlv.parse(response);
        if (dado.tag() != 0x7C) {
            throw new IllegalArgumentException("the answer is not a dynamic authentication data object");
        }
        byte[] nonce = dado.require(0x81).value();
        byte[] token = dado.require(0x82).value();
        byte[] secret = sharedSecret();
        byte[] kMac = kdf(secret, nonce, 2);
        try {
            byte[] expected = Arrays.copyOf(cmac(kMac, publicKeyDataObject(ephemeralPoint)), 8);
            return token.length == 8 && MessageDigest.isEqual(expected, token);
        } finally {
            Arrays.fill(secret, (byte) 0);
            Arrays.fill(kMac, (byte) 0);
        }
    }

    /** The x coordinate of ephemeral private × device public, field-size bytes. */
    private byte[] sharedSecret() {
        ECPoint p = deviceKey.getQ().multiply(ephemeralPrivate.getD()).normalize();
        if (p.isInfinity()) {
            throw new IllegalArgumentException("the device key gives no shared secret");
        }
        int size = (deviceKey.getParameters().getCurve().getFieldSize() + 7) / 8;
        return BigIntegers.asUnsignedByteArray(size, p.getAffineXCoord().toBigInteger());
    }

    /** TR-03110 key derivation for AES-128: the first 16 bytes of SHA-1(secret ‖ nonce ‖ counter). */
    static byte[] kdf(byte[] secret, byte[] nonce, int counter) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(secret);
            sha1.update(nonce);
            sha1.update(new byte[] {0, 0, 0, (byte) counter});
            return Arrays.copyOf(sha1.digest(), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key data object the token covers: {@code 7F49 { 06 protocol, 86 point }}. */
    static byte[] publicKeyDataObject(byte[] point) {
        return Tlv.encode(0x7F49, Tlv.encode(0x06, oidContents()), Tlv.encode(0x86, point));
    }

    static byte[] cmac(byte[] key, byte[] data) {
        CMac mac = new CMac(AESEngine.newInstance());
        mac.init(new KeyParameter(key));
        mac.update(data, 0, data.length);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }

    private static byte[] oidContents() {
        try {
            byte[] der = CA_ECDH_AES128.getEncoded();
            return Arrays.copyOfRange(der, 2, der.length);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
