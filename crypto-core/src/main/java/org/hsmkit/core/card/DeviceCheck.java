package org.hsmkit.core.card;

/**
 * One check of a device authenticity verification and its outcome.
 *
 * @param name what was checked, e.g. "signature of DEDINK0400001 by DESRCACC100001"
 * @param status passed, failed, or not run (because an earlier check made it meaningless)
 * @param detail why it failed or was not run; empty when it passed
 */
public record DeviceCheck(String name, Status status, String detail) {

    /** The outcome of a check. */
    public enum Status {
        PASSED, FAILED, NOT_RUN
    }

    static DeviceCheck passed(String name) {
        return new DeviceCheck(name, Status.PASSED, "");
    }

    static DeviceCheck failed(String name, String why) {
        return new DeviceCheck(name, Status.FAILED, why);
    }

    static DeviceCheck notRun(String name, String why) {
        return new DeviceCheck(name, Status.NOT_RUN, why);
    }
}
