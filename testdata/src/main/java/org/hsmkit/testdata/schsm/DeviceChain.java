package org.hsmkit.testdata.schsm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.LocalDate;

import org.bouncycastle.util.io.pem.PemReader;

/**
 * A SmartCard-HSM device identity: the device key pair and the certificate chain the card shows
 * in EF.C_DevAut (device certificate, then the device issuer CA certificate), issued under a root.
 * By default the root is the test root shipped in testdata ({@code UTSRCACC100001}, key and
 * certificate as resources), never the real SmartCard-HSM root.
 *
 * <p>Tests build variants through {@link #builder()}: another root, an expired device or issuer
 * certificate, a tampered signature, a device key that does not match its certificate.
 */
public final class DeviceChain {
    public static final String TEST_ROOT_CHR = "UTSRCACC100001";
    public static final String ISSUER_CA_CHR = "UTSIMDICA00001";
    private static final String CURVE = "brainpoolP256r1";
    private static PrivateKey testRootKey;
    private static CvCertificate testRoot;
    private static KeyPair issuerKey;

    private final CvCertificate root;
    private final CvCertificate issuer;
    private final CvCertificate device;
    private final KeyPair deviceKey;

    private DeviceChain(CvCertificate root, CvCertificate issuer, CvCertificate device, KeyPair deviceKey) {
        this.root = root;
        this.issuer = issuer;
        this.device = device;
        this.deviceKey = deviceKey;
    }

    /** A valid chain under the test root for a device with this serial number (up to 6 digits). */
    public static DeviceChain issue(int serial) {
        return builder().serial(serial).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The test root's private key (brainpoolP256r1), shipped as data in testdata. */
    public static synchronized PrivateKey testRootKey() {
        if (testRootKey == null) {
            try (InputStream in = resource("test-root-key.pem");
                    PemReader pem = new PemReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
                testRootKey = KeyFactory.getInstance("EC", CvcSignatures.PROVIDER)
                        .generatePrivate(new PKCS8EncodedKeySpec(pem.readPemObject().getContent()));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot read the test root key", e);
            }
        }
        return testRootKey;
    }

    /** The test root's self-signed certificate, shipped as data ({@code test-root.cvc}). */
    public static synchronized CvCertificate testRoot() {
        if (testRoot == null) {
            try (InputStream in = resource("test-root.cvc")) {
                testRoot = CvCertificate.parse(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the test root certificate", e);
            }
        }
        return testRoot;
    }

    private static InputStream resource(String name) {
        InputStream in = DeviceChain.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("testdata resource " + name + " is missing");
        }
        return in;
    }

    /** A fresh brainpoolP256r1 key pair, the curve of the SmartCard-HSM's device PKI. */
    public static KeyPair newDeviceKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", CvcSignatures.PROVIDER);
            g.initialize(new ECGenParameterSpec(CURVE));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized KeyPair testIssuerKey() {
        if (issuerKey == null) {
            issuerKey = newDeviceKey();
        }
        return issuerKey;
    }

    /** The device certificate followed by the issuer CA certificate: the content of EF.C_DevAut. */
    public byte[] efCDevAut() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(device.encoded());
        out.writeBytes(issuer.encoded());
        return out.toByteArray();
    }

    public CvCertificate root() {
        return root;
    }

    public CvCertificate issuer() {
        return issuer;
    }

    public CvCertificate device() {
        return device;
    }

    /** The key the card holds (and proves in device authentication); not always the certified one. */
    public KeyPair deviceKey() {
        return deviceKey;
    }

    /** The device serial as OpenSC shows it: the holder reference without its 5-digit sequence number. */
    public String serial() {
        String chr = device.chr();
        return chr.substring(0, chr.length() - 5);
    }

    /** Builds chains, valid ones by default. */
    public static final class Builder {
        private int serial = 1;
        private PrivateKey rootKey;
        private CvCertificate rootCert;
        private LocalDate issuerExpiry = LocalDate.now().plusYears(20);
        private LocalDate deviceEffective = LocalDate.now().minusDays(1);
        private LocalDate deviceExpiry = LocalDate.now().plusYears(20);
        private boolean tamperDevice;
        private boolean tamperIssuer;
        private boolean foreignDeviceKey;

        private Builder() {
        }

        public Builder serial(int serial) {
            if (serial < 0 || serial > 999_999) {
                throw new IllegalArgumentException("serials have up to 6 digits");
            }
            this.serial = serial;
            return this;
        }

        /** Issues under another root (its key and self-signed certificate). */
        public Builder root(PrivateKey key, CvCertificate certificate) {
            this.rootKey = key;
            this.rootCert = certificate;
            return this;
        }

        public Builder deviceValidity(LocalDate effective, LocalDate expiry) {
            this.deviceEffective = effective;
            this.deviceExpiry = expiry;
            return this;
        }

        public Builder issuerExpiry(LocalDate expiry) {
            this.issuerExpiry = expiry;
            return this;
        }

        /** Flips a bit in the device certificate's signature. */
        public Builder tamperDeviceSignature() {
            this.tamperDevice = true;
            return this;
        }

        /** Flips a bit in the issuer CA certificate's signature. */
        public Builder tamperIssuerSignature() {
            this.tamperIssuer = true;
            return this;
        }

        /** The card holds another key than the certified one: device authentication must fail. */
        public Builder foreignDeviceKey() {
            this.foreignDeviceKey = true;
            return this;
        }

        public DeviceChain build() {
            PrivateKey rk = rootKey == null ? testRootKey() : rootKey;
            CvCertificate rc = rootCert == null ? testRoot() : rootCert;
            boolean defaultIssuer = rootKey == null && issuerExpiry.isAfter(LocalDate.now().plusYears(19));
            KeyPair ik = defaultIssuer ? testIssuerKey() : newDeviceKey();
            CvCertificate issuer = CvCertificate.issue(rc.chr(), ISSUER_CA_CHR, ik.getPublic(), rk,
                    CvCertificate.Role.ISSUER_CA, LocalDate.now().minusYears(1), issuerExpiry);
            KeyPair dk = newDeviceKey();
            String chr = String.format("UTSIM%06d00001", serial);
            CvCertificate device = CvCertificate.issue(ISSUER_CA_CHR, chr, dk.getPublic(), ik.getPrivate(),
                    CvCertificate.Role.DEVICE, deviceEffective, deviceExpiry);
            if (tamperDevice) {
                device = device.withSignatureTampered();
            }
            if (tamperIssuer) {
                issuer = issuer.withSignatureTampered();
            }
            KeyPair held = foreignDeviceKey ? newDeviceKey() : dk;
            return new DeviceChain(rc, issuer, device, held);
        }
    }

    /** Makes a self-signed root certificate for {@code key}: for tests that need another root. */
    public static CvCertificate selfSignedRoot(String chr, KeyPair key) {
        return CvCertificate.issue(chr, chr, key.getPublic(), key.getPrivate(), CvCertificate.Role.ROOT,
                LocalDate.now().minusYears(1), LocalDate.now().plusYears(30));
    }

    /** The public key of the test root, as its certificate holds it. */
    public static PublicKey testRootPublicKey() {
        return testRoot().publicKey();
    }
}
