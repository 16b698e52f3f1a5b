package org.hsmkit.cli;

import java.io.IOException;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.card.SmartCardHsm;
import org.hsmkit.core.card.WrappedKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsmkit key backup}: a key wrapped under the device's DKEK, in sc-hsm-tool's wrapped-key format. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Back up a key of a SmartCard-HSM: the device encrypts it under its DKEK; the file also holds the"
            + " key's description and certificate. It restores on any device with the same DKEK (hsmkit key restore,"
            + " or sc-hsm-tool --unwrap-key). Needs -t card:."})
final class KeyBackupCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = {KeyCommand.KEY_HELP_1, KeyCommand.KEY_HELP_2, KeyCommand.KEY_HELP_3})
    String key;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "the backup file to write")
    String output;

    KeyBackupCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws IOException {
        try (AtomicOutput out = session.output(output, true)) {
            SmartCardHsm card = CliSession.cardOf(session.token(), "key backup");
            TokenKey k = card.key(key);
            WrappedKey backup = card.backup(k);
            out.stream().write(backup.encode());
            out.commit();
            session.info("hsmkit: backed up the " + KeyCommand.describe(k) + " to " + output + " (DKEK key check value "
                    + backup.keyCheckValueHex() + (backup.certificate().isPresent() ? ", with its certificate"
                    : backup.certificateFile().isPresent() ? ", with the device's request for it" : "") + ")");
        }
        return ExitCode.OK;
    }
}
