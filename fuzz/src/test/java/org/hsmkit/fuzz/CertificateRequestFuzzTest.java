package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.ca.IssuancePlan;
import org.hsmkit.core.ca.IssueRequest;
import org.hsmkit.core.ca.Profile;
import org.hsmkit.core.internal.ca.CertificateRequests;

/**
 * Certificate requests as {@code ca issue} takes them from whoever asks for a certificate: the
 * first byte picks the profile, the rest is the request (PEM or DER). Reading and checking
 * (signature, key, requested extensions against the profile, names) refuse with INPUT, USAGE or
 * VERIFICATION_FAILED only; a request that passes has a plan whose description can be printed.
 */
class CertificateRequestFuzzTest {
    @FuzzTest
    void plan(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        Profile profile = Profile.values()[(input[0] & 0xff) % Profile.values().length];
        byte[] request = Arrays.copyOfRange(input, 1, input.length);
        PKCS10CertificationRequest csr = Contract.call("read", Contract.budget(input.length, 64), Contract.inputKinds(),
                () -> CertificateRequests.read(new ByteArrayInputStream(request), "the request"));
        if (csr == null) {
            return;
        }
        IssuancePlan plan = Contract.call("plan", Contract.budget(input.length, 64),
                Contract.inputKinds(ErrorKind.USAGE, ErrorKind.VERIFICATION_FAILED),
                () -> FuzzPki.ca().plan(IssueRequest.of(csr, "the request", profile)));
        if (plan != null) {
            assertFalse(plan.describe().isEmpty());
        }
    }
}
