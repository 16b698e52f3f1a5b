package org.hsmkit.cli;

import java.io.PrintStream;

import org.hsmkit.core.card.DeviceCheck;
import org.hsmkit.core.card.DeviceReport;

/** Prints a device authenticity or key attestation report: identity, chain, each check, the verdict. */
final class DeviceReportText {
    private DeviceReportText() {
    }

    static void print(CliSession session, DeviceReport r, boolean json, boolean shippedRoot, String success) {
        PrintStream out = session.context().stdout();
        if (json) {
            JsonOutput.print(out, new Json(r.serial(), r.deviceChr(), r.chain(), r.trustedRoot(), r.checks(), r.genuine()));
            return;
        }
        CardCommand.field(out, "serial", r.serial());
        CardCommand.field(out, "device", r.deviceChr());
        CardCommand.field(out, "chain", String.join(" <- ", r.chain()));
        CardCommand.field(out, "trusted root", r.trustedRoot() + (shippedRoot ? " (SmartCard-HSM root CA, shipped with hsmkit)" : " (--root)"));
        out.println("checks:");
        for (DeviceCheck c : r.checks()) {
            String status = switch (c.status()) {
                case PASSED -> "ok";
                case FAILED -> "FAILED";
                case NOT_RUN -> "not run";
            };
            out.printf("  %-8s %s%s%n", status, c.name(), c.detail().isEmpty() ? "" : ": " + c.detail());
        }
        CardCommand.field(out, "result", r.genuine()
                ? success + (shippedRoot ? "" : " under the root given with --root (" + r.trustedRoot() + "), not the shipped one")
                : "NOT verified: " + r.firstFailure().map(c -> c.name() + ": " + c.detail()).orElse("a check did not run"));
        out.flush();
    }

    /** The JSON form: the report and its verdict. */
    record Json(String serial, String deviceChr, java.util.List<String> chain, String trustedRoot,
            java.util.List<DeviceCheck> checks, boolean genuine) {
    }
}
