package org.hsmkit.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.card.DkekStatus;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsmkit card dkek …}: the Device Key Encryption Key that key backups are wrapped under. */
@Command(name = "dkek", mixinStandardHelpOptions = true,
        description = {"DKEK shares: create a share file (optionally with an n-of-m password), import shares into the"
            + " device, show the DKEK state. Share files are those of sc-hsm-tool --create-dkek-share."},
        subcommands = {CardDkekCreateCommand.class, CardDkekImportCommand.class, CardDkekCommand.StatusCommand.class})
final class CardDkekCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show how many DKEK shares the device takes, how many are still to import, and the key check value.")
    static final class StatusCommand implements Callable<Integer> {
        private final CliSession session;


        StatusCommand(CliSession session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            print(session, session.card().dkekStatus(), session.json());
            return ExitCode.OK;
        }
    }

    /** Prints the DKEK state (stdout), as sc-hsm-tool does, or as JSON. */
    static void print(CliSession session, DkekStatus s, boolean json) {
        PrintStream out = session.context().stdout();
        if (json) {
            JsonOutput.print(out, Json.of(s));
            return;
        }
        CardCommand.field(out, "DKEK shares", Integer.toString(s.shares()));
        CardCommand.field(out, "outstanding", Integer.toString(s.outstanding()));
        CardCommand.field(out, "key check", !s.complete() ? "- (import the outstanding shares first)"
                : s.zero() ? s.keyCheckValueHex() + " " + ZERO : s.keyCheckValueHex());
        out.flush();
    }

    /** What a zero DKEK is, wherever its key check value is shown. */
    static final String ZERO = "(ALL ZEROS: the shares cancel out; initialise the device again)";

    /** The DKEK state in JSON, as {@code card dkek status} and {@code card info} print it: the key check value in hex. */
    record Json(int shares, int outstanding, String keyCheckValue, Boolean allZeros) {
        static Json of(DkekStatus s) {
            return new Json(s.shares(), s.outstanding(), s.complete() ? s.keyCheckValueHex() : null,
                    s.complete() ? s.zero() : null);
        }
    }

    /** The share password source from --password-file / --password-env, or null for the terminal. */
    static PinSource passwordOption(CliSession session, String file, String env) {
        if (file != null && env != null) {
            throw new HsmkitException(ErrorKind.USAGE, "--password-file and --password-env exclude each other", "give one of them");
        }
        if (file != null) {
            return PinSource.fromFile(session.context().resolve(file));
        }
        if (env != null) {
            return session.fromEnvironment(env, "export " + env + " with the share password, or use --password-file");
        }
        return null;
    }
}
