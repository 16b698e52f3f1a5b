package org.hsmkit.core.card;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.card.CvcPublicKey;
import org.hsmkit.core.internal.card.DeviceKeys;

/**
 * Checks the certificate chain a SmartCard-HSM presents in EF.C_DevAut (its device certificate,
 * then the certificate of the device issuer CA) up to a trusted root: every ECDSA signature over
 * the certificate bodies, that the chain ends at the root, and every certificate's validity dates.
 * Whether the device holds the private key of its certificate is the live part, done on the card.
 *
 * <p>The trusted root shipped with hsmkit is the SmartCard-HSM scheme root CA {@value #ROOT_CHR}
 * (brainpoolP256r1, valid 2012-11-09 to 2032-11-08), published by CardContact in the SmartCard-HSM
 * support scripts ({@code SmartCardHSM.rootCerts.DESRCACC100001} in {@code lib/smartcardhsm.js} of
 * the Smart Card Shell scripts). Its SHA-256 is {@value #ROOT_SHA256}; it signs itself, and the
 * chain of a real Nitrokey HSM 2 verifies against it (a test checks both).
 */
public final class DeviceChain {
    /** Holder reference of the SmartCard-HSM root CA. */
    public static final String ROOT_CHR = "DESRCACC100001";
    /** SHA-256 of the shipped root certificate. */
    public static final String ROOT_SHA256 = "453a391015c5fbb60116c838ed613591828bf62ac8a1aca276ce4e60525ec3e3";

    private DeviceChain() {
    }

    /** The SmartCard-HSM root CA certificate shipped with hsmkit. */
    public static CvCertificate shippedRoot() {
        try (InputStream in = DeviceChain.class.getResourceAsStream(ROOT_CHR + ".cvc")) {
            if (in == null) {
                throw new IllegalStateException("the root certificate " + ROOT_CHR + " is missing from the build");
            }
            CvCertificate root = CvCertificate.parse(in.readAllBytes());
            if (!root.fingerprint().equals(ROOT_SHA256)) {
                throw new IllegalStateException("the shipped root certificate " + ROOT_CHR + " has been altered");
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks the chain offline.
     *
     * @param efCDevAut the contents of EF.C_DevAut: the device certificate and its issuer's
     * @param root the trusted root (normally {@link #shippedRoot()})
     * @param day the day the validity dates are checked for (today, normally)
     * @throws HsmkitException INPUT when the file holds no certificates
     */
    public static DeviceReport verify(byte[] efCDevAut, CvCertificate root, LocalDate day) {
        List<CvCertificate> certs = CvCertificate.parseAll(efCDevAut);
        CvCertificate device = certs.get(0);
        List<DeviceCheck> checks = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (CvCertificate c : certs) {
            names.add(c.chr());
        }
        CvCertificate top = certs.get(certs.size() - 1);
        boolean rootOk = root.selfIssued() && root.verifiedBy(root.rawPublicKey());
        String rootCheck = "root " + root.chr() + " signs itself";
        checks.add(rootOk ? DeviceCheck.passed(rootCheck) : DeviceCheck.failed(rootCheck,
                root.selfIssued() ? "its self-signature does not verify" : "it is issued by " + root.car() + ", not by itself"));
        boolean endsAtRoot = top.car().equals(root.chr());
        String endCheck = "chain ends at " + root.chr();
        if (endsAtRoot) {
            names.add(root.chr());
            checks.add(DeviceCheck.passed(endCheck));
        } else {
            checks.add(DeviceCheck.failed(endCheck, "it ends at " + top.car() + ", not at " + root.chr()
                    + (top.car().equals(ROOT_CHR) ? "" : " (a development device, an emulator, or a device of another scheme)")));
        }
        // signatures, from the top down, each issuer key with its inherited domain parameters
        CvcPublicKey issuerKey = rootOk || endsAtRoot ? root.rawPublicKey() : null;
        for (int i = certs.size() - 1; i >= 0; i--) {
            CvCertificate c = certs.get(i);
            String name = "signature of " + c.chr() + " by " + c.car();
            CvcPublicKey own = c.rawPublicKey();
            if (i == certs.size() - 1 && !endsAtRoot) {
                checks.add(DeviceCheck.notRun(name, c.car() + " is not the trusted root"));
                issuerKey = null;
            } else if (issuerKey == null) {
                checks.add(DeviceCheck.notRun(name, "its issuer's key is not trusted"));
            } else {
                boolean ok;
                try {
                    ok = c.verifiedBy(issuerKey);
                } catch (IllegalArgumentException e) {
                    ok = false;
                }
                checks.add(ok ? DeviceCheck.passed(name) : DeviceCheck.failed(name, "the signature does not verify"));
                if (!ok) {
                    issuerKey = null;
                    continue;
                }
            }
            issuerKey = issuerKey == null ? null : resolved(own, issuerKey);
        }
        List<CvCertificate> dated = new ArrayList<>(certs);
        if (endsAtRoot) {
            dated.add(root);
        }
        for (CvCertificate c : dated) {
            String name = "validity of " + c.chr() + " on " + day;
            checks.add(c.validOn(day) ? DeviceCheck.passed(name) : DeviceCheck.failed(name,
                    c.expiration().filter(day::isAfter).map(d -> "expired on " + d)
                            .orElseGet(() -> "valid only from " + c.effective().map(LocalDate::toString).orElse("?"))));
        }
        return new DeviceReport(serialOf(device.chr()), device.chr(), names, root.chr(), checks);
    }

    private static CvcPublicKey resolved(CvcPublicKey own, CvcPublicKey issuer) {
        try {
            return own.withParametersOf(issuer);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The device public key with its domain parameters, taken from the chain (whether or not it
     * is trusted: the live check says whether the device holds it).
     */
    static CvcPublicKey deviceKey(byte[] efCDevAut, CvCertificate root) {
        return DeviceKeys.deviceKey(efCDevAut, root.encoded());
    }

    /** The device serial number: the CHR without the 5-digit sequence number at its end (as OpenSC shows it). */
    public static String serialOf(String chr) {
        return chr.length() > 8 ? chr.substring(0, chr.length() - 5) : chr;
    }
}
