package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.card.CvCertificate;
import org.hsmkit.core.card.DeviceChain;
import org.hsmkit.core.card.DeviceReport;
import org.hsmkit.core.card.KeyAttestation;
import org.hsmkit.core.internal.card.Tlv;

/**
 * Card verifiable certificates: a SmartCard-HSM's EF.C_DevAut checked against the shipped root, and
 * key attestations checked against the simulator's test root. Reading refuses with INPUT only;
 * checking never throws. A chain or attestation reported genuine signs only certificate bodies and
 * requests the corpus has (ECDSA signatures can be re-encoded, so the signed bytes are compared,
 * not the files).
 */
class CardCvcFuzzTest {
    private static final CvCertificate SHIPPED_ROOT = DeviceChain.shippedRoot();
    private static final byte[] NITROKEY = FuzzPki.resource("/card-vectors/nitrokey-hsm2-DENK0404144.devaut");
    private static final byte[] ATTESTATION = FuzzPki.resource("/org/hsmkit/fuzz/card/attestation.bin");
    private static final CvCertificate TEST_ROOT = CvCertificate.parse(
            FuzzPki.resource("/org/hsmkit/testdata/schsm/test-root.cvc"));
    /** Signed bytes (certificate bodies, request bodies) of the corpus. */
    private static final Set<String> SIGNED = new HashSet<>();
    /** A day every corpus certificate is valid on. */
    private static final LocalDate NITROKEY_DAY = latestEffective(NITROKEY);
    private static final LocalDate ATTESTATION_DAY;

    static {
        KeyAttestation a = KeyAttestation.parse(ATTESTATION);
        byte[] request = a.request();
        byte[] chain = java.util.Arrays.copyOfRange(ATTESTATION, request.length, ATTESTATION.length);
        ATTESTATION_DAY = latestEffective(chain);
        for (byte[] certs : List.of(NITROKEY, chain, SHIPPED_ROOT.encoded(), TEST_ROOT.encoded())) {
            for (CvCertificate c : CvCertificate.parseAll(certs)) {
                SIGNED.add(body(c.encoded(), 0x7F21));
            }
        }
        Tlv inner = Tlv.parse(request).require(0x7F21);
        SIGNED.add(body(inner.encoded(), 0x7F21));
        SIGNED.add(HexFormat.of().formatHex(inner.encoded()));
        if (!a.verify(TEST_ROOT, ATTESTATION_DAY, null).genuine() || !DeviceChain.verify(NITROKEY, SHIPPED_ROOT, NITROKEY_DAY).genuine()) {
            throw new IllegalStateException("the corpus chain or attestation does not verify: remake the seeds");
        }
    }

    @FuzzTest
    void deviceChain(byte[] efCDevAut) throws Exception {
        DeviceReport report = Contract.call("verify", Contract.budget(efCDevAut.length, 64), Contract.inputKinds(),
                () -> DeviceChain.verify(efCDevAut, SHIPPED_ROOT, NITROKEY_DAY));
        if (report != null && report.genuine()) {
            for (CvCertificate c : CvCertificate.parseAll(efCDevAut)) {
                assertTrue(SIGNED.contains(body(c.encoded(), 0x7F21)), "a genuine chain with an altered certificate body: " + c);
            }
        }
    }

    @FuzzTest
    void attestation(byte[] file) throws Exception {
        KeyAttestation a = Contract.call("parse", Contract.budget(file.length, 64), Contract.inputKinds(),
                () -> KeyAttestation.parse(file));
        if (a == null) {
            return;
        }
        DeviceReport report = Contract.call("verify", Contract.budget(file.length, 64), Contract.inputKinds(),
                () -> a.verify(TEST_ROOT, ATTESTATION_DAY, null));
        if (report != null && report.genuine()) {
            Tlv inner = Tlv.parse(a.request()).require(0x7F21);
            assertTrue(SIGNED.contains(body(inner.encoded(), 0x7F21)), "a genuine attestation of an altered request");
            byte[] chain = java.util.Arrays.copyOfRange(file, a.request().length, file.length);
            for (CvCertificate c : CvCertificate.parseAll(chain)) {
                assertTrue(SIGNED.contains(body(c.encoded(), 0x7F21)), "a genuine attestation with an altered certificate: " + c);
            }
            assertFalse(a.signer().isEmpty());
        }
    }

    private static String body(byte[] encoded, int outer) {
        Tlv t = Tlv.parse(encoded);
        if (t.tag() != outer) {
            throw new IllegalStateException("tag " + Integer.toHexString(t.tag()));
        }
        return HexFormat.of().formatHex(t.require(0x7F4E).encoded());
    }

    private static LocalDate latestEffective(byte[] certs) {
        return CvCertificate.parseAll(certs).stream().map(c -> c.effective().orElse(LocalDate.of(2020, 1, 1)))
                .max(LocalDate::compareTo).orElseThrow();
    }
}
