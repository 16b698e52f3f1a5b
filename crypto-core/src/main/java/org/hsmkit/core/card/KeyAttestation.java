package org.hsmkit.core.card;

import java.security.PublicKey;
import java.time.LocalDate;
import java.util.Arrays;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.card.CvcPublicKey;
import org.hsmkit.core.internal.card.Tlv;
import org.hsmkit.core.internal.soft.KeyIds;

/**
 * Evidence that a key was generated inside a particular SmartCard-HSM: the authenticated CV
 * request the device answers GENERATE ASYMMETRIC KEY PAIR with ({@code 67 { 7F21 request, 42 outer
 * CAR, 5F37 outer signature }}). The request carries the new public key and is signed with the new
 * private key; the outer signature is made with the device key whose certificate is in
 * EF.C_DevAut. OpenSC keeps it in the key's certificate file until a certificate replaces it.
 *
 * <p>An attestation file as hsmkit writes it is the request followed by the device's certificate
 * chain (the bytes of EF.C_DevAut), so it can be checked anywhere with only the trusted root.
 */
public final class KeyAttestation {
    private final byte[] request;
    private final byte[] deviceChain;
    private final CvcPublicKey publicKey;
    private final byte[] innerEncoded;
    private final byte[] innerBody;
    private final byte[] innerSignature;
    private final String outerCar;
    private final byte[] outerCarEncoded;
    private final byte[] outerSignature;

    private KeyAttestation(byte[] request, byte[] deviceChain) {
        this.request = request;
        this.deviceChain = deviceChain;
        Tlv authenticated = Tlv.parse(request);
        if (authenticated.tag() != 0x67) {
            throw new IllegalArgumentException("not an authenticated request (tag 67)");
        }
        Tlv inner = authenticated.require(CvCertificate.TAG_CVC);
        Tlv body = inner.require(CvCertificate.TAG_BODY);
        this.innerEncoded = inner.encoded();
        this.innerBody = body.encoded();
        this.innerSignature = inner.require(CvCertificate.TAG_SIGNATURE).value();
        this.publicKey = CvcPublicKey.parse(body.require(0x7F49));
        Tlv car = authenticated.require(0x42);
        this.outerCar = new String(car.value(), java.nio.charset.StandardCharsets.ISO_8859_1);
        this.outerCarEncoded = car.encoded();
        this.outerSignature = authenticated.require(CvCertificate.TAG_SIGNATURE).value();
    }

    /**
     * Reads an attestation file: the request, then the device's certificates.
     *
     * @throws HsmkitException INPUT when it is not one
     */
    public static KeyAttestation parse(byte[] file) {
        try {
            int n = Tlv.encodedLength(file, 0);
            return new KeyAttestation(Arrays.copyOf(file, n), Arrays.copyOfRange(file, n, file.length));
        } catch (IllegalArgumentException e) {
            throw HsmkitException.input("not a key attestation: " + e.getMessage(),
                    "use the file written by 'hsmkit key generate --attestation FILE'", e);
        }
    }

    /** An attestation from the device's answer and its EF.C_DevAut. */
    public static KeyAttestation of(byte[] request, byte[] deviceChain) {
        try {
            return new KeyAttestation(request.clone(), deviceChain.clone());
        } catch (IllegalArgumentException e) {
            throw HsmkitException.input("the device's answer is not an authenticated request: " + e.getMessage(), null, e);
        }
    }

    /** The attestation file: request followed by the device's certificate chain. */
    public byte[] encode() {
        byte[] out = Arrays.copyOf(request, request.length + deviceChain.length);
        System.arraycopy(deviceChain, 0, out, request.length, deviceChain.length);
        return out;
    }

    /** The authenticated request alone (what the card answered). */
    public byte[] request() {
        return request.clone();
    }

    /** Who signed the request from outside: the device certificate's holder reference. */
    public String signer() {
        return outerCar;
    }

    /** The attested public key. */
    public PublicKey publicKey() {
        return publicKey.toJca();
    }

    /**
     * Checks the attestation: the device chain up to {@code root}, the device's signature over the
     * request, the new key's own signature over it (proof that the device holds the private key),
     * and, when {@code expected} is given, that the attested key is that public key.
     *
     * @param day the day certificate validity is checked for
     * @param expected the public key the attestation should be about, or null
     */
    public DeviceReport verify(CvCertificate root, LocalDate day, PublicKey expected) {
        DeviceReport report = DeviceChain.verify(deviceChain, root, day);
        String deviceName = report.deviceChr();
        String outerCheck = "request signed by device " + deviceName;
        if (!outerCar.equals(deviceName)) {
            report = report.with(DeviceCheck.failed(outerCheck, "it names " + outerCar + " as its signer"));
        } else {
            CvcPublicKey deviceKey;
            try {
                deviceKey = DeviceChain.deviceKey(deviceChain, root);
            } catch (IllegalArgumentException e) {
                deviceKey = null;
            }
            byte[] signed = Arrays.copyOf(innerEncoded, innerEncoded.length + outerCarEncoded.length);
            System.arraycopy(outerCarEncoded, 0, signed, innerEncoded.length, outerCarEncoded.length);
            boolean ok = deviceKey != null && deviceKey.verify(signed, outerSignature);
            report = report.with(ok ? DeviceCheck.passed(outerCheck) : DeviceCheck.failed(outerCheck, "the signature does not verify"));
        }
        String selfCheck = "request signed by the attested key";
        boolean self;
        try {
            self = publicKey.verify(innerBody, innerSignature);
        } catch (IllegalArgumentException | IllegalStateException e) {
            self = false;
        }
        report = report.with(self ? DeviceCheck.passed(selfCheck) : DeviceCheck.failed(selfCheck, "the signature does not verify"));
        if (expected != null) {
            String keyCheck = "attested key is the given key";
            boolean same;
            try {
                same = KeyIds.sameKey(publicKey.toJca(), expected);
            } catch (IllegalArgumentException e) {
                same = false;
            }
            report = report.with(same ? DeviceCheck.passed(keyCheck) : DeviceCheck.failed(keyCheck, "the public keys differ"));
        }
        return report;
    }
}
