package org.hsmkit.cli;

import java.io.PrintStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;

import org.hsmkit.core.card.CardInfo;
import org.hsmkit.core.card.CvCertificate;
import org.hsmkit.core.card.DeviceChain;
import org.hsmkit.core.card.DeviceReport;
import org.hsmkit.core.card.SmartCardHsm;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit card …}: what only a SmartCard-HSM (Nitrokey HSM) does, driven directly over PC/SC
 * (-t card: or card:READER; the first SmartCard-HSM when -t is not given).
 */
@Command(name = "card", mixinStandardHelpOptions = true,
        description = {"Manage a SmartCard-HSM / Nitrokey HSM over PC/SC: state, initialisation, DKEK shares for key backup,"
            + " and proof that the device is genuine. Select it with -t card: (first one) or -t card:READER."},
        subcommands = {CardCommand.InfoCommand.class, CardInitCommand.class, CardDkekCommand.class,
            CardCommand.VerifyDeviceCommand.class})
final class CardCommand {

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = {"Show the device: reader, version, serial, label, PIN and SO-PIN tries left, DKEK state.",
                "Does not log in and spends no PIN try."})
    static final class InfoCommand implements Callable<Integer> {
        private final CliSession session;


        InfoCommand(CliSession session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            CardInfo i = session.card().cardInfo();
            PrintStream out = session.context().stdout();
            if (session.json()) {
                JsonOutput.print(out, InfoJson.of(i));
                return ExitCode.OK;
            }
            field(out, "reader", i.reader());
            field(out, "device", "SmartCard-HSM " + i.version());
            field(out, "serial", i.serial());
            field(out, "label", i.label());
            field(out, "initialised", i.initialized() ? "yes" : "no (run: hsmkit card init)");
            field(out, "user PIN", i.pinState() + (i.pinTriesLeft().isPresent() ? " (" + TokenCommand.triesLeft(i.pinTriesLeft().getAsInt()) + ")" : ""));
            field(out, "SO-PIN", i.soPinTriesLeft().isPresent() ? TokenCommand.triesLeft(i.soPinTriesLeft().getAsInt()) : "-");
            field(out, "DKEK", i.dkek().map(d -> (d.shares() == 1 ? "1 share" : d.shares() + " shares") + (d.complete()
                    ? ", key check value " + d.keyCheckValueHex() + (d.zero() ? " " + CardDkekCommand.ZERO : "")
                    : ", " + d.outstanding() + " still to import"))
                    .orElse("none (key backup disabled)"));
            out.flush();
            return ExitCode.OK;
        }
    }

    /**
     * {@code card info --json} (docs/json.md): the DKEK as {@code card dkek status --json} has it (key
     * check value in hex, as sc-hsm-tool and the text show it; it was base64), tries left absent when
     * the device does not say.
     */
    record InfoJson(String reader, String version, String serial, String label, boolean initialized, String pinState,
            Integer pinTriesLeft, Integer soPinTriesLeft, CardDkekCommand.Json dkek) {
        static InfoJson of(CardInfo i) {
            return new InfoJson(i.reader(), i.version(), i.serial(), i.label(), i.initialized(), i.pinState(),
                    i.pinTriesLeft().isPresent() ? i.pinTriesLeft().getAsInt() : null,
                    i.soPinTriesLeft().isPresent() ? i.soPinTriesLeft().getAsInt() : null,
                    i.dkek().map(CardDkekCommand.Json::of).orElse(null));
        }
    }

    static void field(PrintStream out, String name, String value) {
        out.printf("%-13s %s%n", name + ":", value == null || value.isBlank() ? "-" : value);
    }

    @Command(name = "verify-device", mixinStandardHelpOptions = true,
            description = {"Check that the device is a genuine SmartCard-HSM: its certificate chain (device, device issuer CA)"
                + " up to the SmartCard-HSM root CA DESRCACC100001 that hsmkit ships, every ECDSA signature and validity date,"
                + " and live that the device holds its device key. Exit 0 when genuine, 1 when any check fails"
                + " (a development device or an emulator, issued under another root, fails the chain check)."})
    static final class VerifyDeviceCommand implements Callable<Integer> {
        private final CliSession session;

        @Option(names = "--root", paramLabel = "CVCFILE",
                description = "trust this root certificate (a CVC file) instead of the shipped DESRCACC100001")
        String root;


        VerifyDeviceCommand(CliSession session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            CvCertificate trusted = trustedRoot(session, root);
            SmartCardHsm card = session.card();
            DeviceReport report = card.verifyDevice(trusted, LocalDate.now(ZoneOffset.UTC));
            DeviceReportText.print(session, report, session.json(), root == null, "genuine SmartCard-HSM");
            return report.genuine() ? ExitCode.OK : ExitCode.VERIFICATION_FAILED;
        }
    }

    /** The root from --root, or the shipped one. */
    static CvCertificate trustedRoot(CliSession session, String file) {
        if (file == null) {
            return DeviceChain.shippedRoot();
        }
        return CvCertificate.parse(InputFiles.read(session, file, 4096, "a root certificate"));
    }
}
