package org.hsmkit.core.card;

import java.util.List;
import java.util.Optional;

/**
 * The result of checking that a SmartCard-HSM is genuine: who it says it is, the certificate chain
 * it presented, and every check with its outcome. The device is genuine only when every check
 * passed; a chain issued by another root (a development device, an emulator) fails the check
 * that the chain ends at the trusted root.
 *
 * @param serial the device serial number (the device CHR without its 5-digit sequence number)
 * @param deviceChr the device certificate's holder reference
 * @param chain holder references from the device up to the trusted root, e.g.
 *        [DENK040414400000, DEDINK0400001, DESRCACC100001]
 * @param trustedRoot the holder reference of the root it was checked against
 * @param checks every check in the order run
 */
public record DeviceReport(String serial, String deviceChr, List<String> chain, String trustedRoot, List<DeviceCheck> checks) {

    public DeviceReport {
        chain = List.copyOf(chain);
        checks = List.copyOf(checks);
    }

    /** Whether every check passed. */
    public boolean genuine() {
        return checks.stream().allMatch(c -> c.status() == DeviceCheck.Status.PASSED);
    }

    /** The first failed check, if any. */
    public Optional<DeviceCheck> firstFailure() {
        return checks.stream().filter(c -> c.status() == DeviceCheck.Status.FAILED).findFirst();
    }

    /** This report with one more check at the end. */
    public DeviceReport with(DeviceCheck check) {
        List<DeviceCheck> all = new java.util.ArrayList<>(checks);
        all.add(check);
        return new DeviceReport(serial, deviceChr, chain, trustedRoot, all);
    }
}
