package org.hsmkit.core.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.List;

import org.hsmkit.core.KeyType;
import org.hsmkit.core.TokenKey;
import org.hsmkit.testdata.schsm.DeviceChain;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.Test;

/**
 * Device authenticity on simulated devices whose chains are issued under the simulator's test
 * root: against the shipped SmartCard-HSM root they are not genuine; against the test root they
 * are, unless a signature is tampered with, a certificate has expired, or the device does not
 * hold the key its certificate names (found by the live check).
 */
class DeviceAuthenticityTest {
    private static final LocalDate TODAY = LocalDate.now(java.time.ZoneOffset.UTC);

    static CvCertificate testRoot() throws IOException {
        try (InputStream in = DeviceAuthenticityTest.class.getResourceAsStream("/org/hsmkit/testdata/schsm/test-root.cvc")) {
            return CvCertificate.parse(in.readAllBytes());
        }
    }

    private static DeviceReport verify(SmartCardHsmSimulator sim, CvCertificate root) {
        try (CardFixture f = new CardFixture(sim); SmartCardHsm card = f.open()) {
            return card.verifyDevice(root, TODAY);
        }
    }

    private static DeviceCheck check(DeviceReport r, String prefix) {
        return r.checks().stream().filter(c -> c.name().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no check '" + prefix + "' in " + r.checks()));
    }

    @Test
    void aSimulatedDeviceIsNotGenuineUnderTheShippedRootButIsUnderTheTestRoot() throws IOException {
        SmartCardHsmSimulator sim = new SmartCardHsmSimulator();
        DeviceReport shipped = verify(sim, DeviceChain_shipped());
        assertFalse(shipped.genuine());
        DeviceCheck ends = check(shipped, "chain ends at DESRCACC100001");
        assertEquals(DeviceCheck.Status.FAILED, ends.status());
        assertTrue(ends.detail().contains(DeviceChain.TEST_ROOT_CHR), ends.detail());
        // the live check does not depend on the root: the device holds its key
        assertEquals(DeviceCheck.Status.PASSED, check(shipped, "device holds the key").status());

        DeviceReport test = verify(sim, testRoot());
        assertTrue(test.genuine(), test.checks().toString());
        assertEquals(sim.serial(), test.serial());
        assertEquals(List.of(test.deviceChr(), DeviceChain.ISSUER_CA_CHR, DeviceChain.TEST_ROOT_CHR), test.chain());
    }

    private static CvCertificate DeviceChain_shipped() {
        return org.hsmkit.core.card.DeviceChain.shippedRoot();
    }

    @Test
    void aTamperedDeviceSignatureIsRejected() throws IOException {
        DeviceReport r = verify(SmartCardHsmSimulator.builder().deviceChain(DeviceChain.builder().tamperDeviceSignature().build())
                .build(), testRoot());
        assertFalse(r.genuine());
        DeviceCheck c = r.firstFailure().orElseThrow();
        assertTrue(c.name().startsWith("signature of ") && c.name().endsWith("by " + DeviceChain.ISSUER_CA_CHR), c.name());
        assertEquals("the signature does not verify", c.detail());
    }

    @Test
    void anExpiredIssuerCertificateIsRejectedWithItsDate() throws IOException {
        LocalDate expired = TODAY.minusDays(1);
        DeviceReport r = verify(SmartCardHsmSimulator.builder().deviceChain(DeviceChain.builder().issuerExpiry(expired).build())
                .build(), testRoot());
        assertFalse(r.genuine());
        DeviceCheck c = check(r, "validity of " + DeviceChain.ISSUER_CA_CHR);
        assertEquals(DeviceCheck.Status.FAILED, c.status());
        assertEquals("expired on " + expired, c.detail());
    }

    @Test
    void aDeviceWithoutTheKeyOfItsCertificateFailsTheLiveCheck() throws IOException {
        DeviceReport r = verify(SmartCardHsmSimulator.builder().deviceChain(DeviceChain.builder().foreignDeviceKey().build())
                .build(), testRoot());
        assertFalse(r.genuine());
        DeviceCheck live = check(r, "device holds the key");
        assertEquals(DeviceCheck.Status.FAILED, live.status());
        assertTrue(live.detail().contains("does not prove"), live.detail());
        // the certificates themselves are fine
        assertEquals(r.checks().size() - 1, r.checks().stream().filter(c -> c.status() == DeviceCheck.Status.PASSED).count());
    }

    @Test
    void aKeyAttestationVerifiesUnderTheTestRootAndOnlyForItsKey() throws IOException {
        try (CardFixture f = new CardFixture(new SmartCardHsmSimulator()); SmartCardHsm card = f.open()) {
            TokenKey k = card.generateKey(KeyType.EC_P256, "attested", null);
            TokenKey other = card.generateKey(KeyType.EC_P256, "other", null);
            KeyAttestation a = card.attestation(k).orElseThrow();
            KeyAttestation fromFile = KeyAttestation.parse(a.encode());
            DeviceReport ok = fromFile.verify(testRoot(), TODAY, k.publicKey());
            assertTrue(ok.genuine(), ok.checks().toString());
            DeviceReport wrongKey = fromFile.verify(testRoot(), TODAY, other.publicKey());
            assertEquals("attested key is the given key", wrongKey.firstFailure().orElseThrow().name());
            DeviceReport shipped = fromFile.verify(org.hsmkit.core.card.DeviceChain.shippedRoot(), TODAY, k.publicKey());
            assertFalse(shipped.genuine());
        }
    }
}
