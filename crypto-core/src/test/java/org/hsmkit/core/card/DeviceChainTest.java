package org.hsmkit.core.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.List;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.card.Tlv;
import org.junit.jupiter.api.Test;

/**
 * The offline part of device authenticity on a real device's chain (a Nitrokey HSM 2, from the
 * test vectors) against the root hsmkit ships, and on altered copies of it.
 */
class DeviceChainTest {
    private static final LocalDate IN_2027 = LocalDate.of(2027, 1, 1);

    static byte[] nitrokeyChain() throws IOException {
        try (InputStream in = DeviceChainTest.class.getResourceAsStream("/card-vectors/nitrokey-hsm2-DENK0404144.devaut")) {
            return in.readAllBytes();
        }
    }

    private static DeviceCheck check(DeviceReport r, String prefix) {
        return r.checks().stream().filter(c -> c.name().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no check '" + prefix + "' in " + r.checks()));
    }

    @Test
    void theShippedRootIsTheSelfSignedSmartCardHsmRoot() {
        CvCertificate root = DeviceChain.shippedRoot();
        assertEquals("DESRCACC100001", root.chr());
        assertTrue(root.selfIssued());
        assertTrue(root.verifiedBy(root.rawPublicKey()));
        assertEquals(LocalDate.of(2012, 11, 9), root.effective().orElseThrow());
        assertEquals(LocalDate.of(2032, 11, 8), root.expiration().orElseThrow());
        assertEquals(DeviceChain.ROOT_SHA256, root.fingerprint());
    }

    @Test
    void aRealNitrokeyChainVerifiesUpToTheShippedRoot() throws IOException {
        DeviceReport r = DeviceChain.verify(nitrokeyChain(), DeviceChain.shippedRoot(), IN_2027);
        assertTrue(r.genuine(), r.checks().toString());
        assertEquals("DENK0404144", r.serial());
        assertEquals("DENK040414400000", r.deviceChr());
        assertEquals(List.of("DENK040414400000", "DEDINK0400001", "DESRCACC100001"), r.chain());
        assertEquals(DeviceCheck.Status.PASSED, check(r, "signature of DEDINK0400001 by DESRCACC100001").status());
        assertEquals(DeviceCheck.Status.PASSED, check(r, "signature of DENK040414400000 by DEDINK0400001").status());
    }

    @Test
    void aRootWithAnotherPublicPointRejectsTheRealChain() throws IOException {
        byte[] root = DeviceChain.shippedRoot().encoded();
        // the public point 86 41 04 … of the root: flip a bit of its y coordinate
        int at = indexOf(root, new byte[] {(byte) 0x86, 0x41, 0x04}) + 3 + 40;
        root[at] ^= 0x01;
        CvCertificate forged = CvCertificate.parse(root);
        DeviceReport r = DeviceChain.verify(nitrokeyChain(), forged, IN_2027);
        assertFalse(r.genuine());
        assertEquals(DeviceCheck.Status.FAILED, check(r, "root DESRCACC100001 signs itself").status());
        assertEquals(DeviceCheck.Status.FAILED, check(r, "signature of DEDINK0400001").status());
    }

    @Test
    void aTamperedSignatureIsRejectedWithItsReason() throws IOException {
        byte[] chain = nitrokeyChain();
        List<CvCertificate> certs = CvCertificate.parseAll(chain);
        byte[] tampered = concat(withSignatureBit(certs.get(0), 77), certs.get(1).encoded());
        DeviceReport r = DeviceChain.verify(tampered, DeviceChain.shippedRoot(), IN_2027);
        assertFalse(r.genuine());
        DeviceCheck c = r.firstFailure().orElseThrow();
        assertEquals("signature of DENK040414400000 by DEDINK0400001", c.name());
        assertEquals("the signature does not verify", c.detail());
        assertEquals(DeviceCheck.Status.PASSED, check(r, "signature of DEDINK0400001").status());
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRejectedWithItsDate() throws IOException {
        DeviceReport late = DeviceChain.verify(nitrokeyChain(), DeviceChain.shippedRoot(), LocalDate.of(2031, 5, 28));
        DeviceCheck expired = late.firstFailure().orElseThrow();
        assertEquals("validity of DENK040414400000 on 2031-05-28", expired.name());
        assertEquals("expired on 2031-05-27", expired.detail());
        DeviceReport lastDay = DeviceChain.verify(nitrokeyChain(), DeviceChain.shippedRoot(), LocalDate.of(2031, 5, 27));
        assertTrue(lastDay.genuine(), lastDay.checks().toString());
        DeviceReport early = DeviceChain.verify(nitrokeyChain(), DeviceChain.shippedRoot(), LocalDate.of(2026, 5, 27));
        assertEquals("valid only from 2026-05-28", early.firstFailure().orElseThrow().detail());
    }

    @Test
    void garbageIsAnInputError() {
        assertThrows(HsmkitException.class, () -> DeviceChain.verify(new byte[] {0x30, 0x00}, DeviceChain.shippedRoot(), IN_2027));
        assertThrows(HsmkitException.class, () -> CvCertificate.parse(new byte[] {0x7F, 0x21, 0x05, 1}));
    }

    /** The certificate with one bit of its signature flipped. */
    static byte[] withSignatureBit(CvCertificate c, int bit) {
        Tlv cvc = Tlv.parse(c.encoded());
        byte[] sig = cvc.require(0x5F37).value();
        sig[bit / 8] ^= (byte) (1 << (bit % 8));
        return Tlv.encode(0x7F21, cvc.require(0x7F4E).encoded(), Tlv.encode(0x5F37, sig));
    }

    static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
