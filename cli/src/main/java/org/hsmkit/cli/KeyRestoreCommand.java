package org.hsmkit.cli;

import java.util.concurrent.Callable;

import org.hsmkit.core.TokenKey;
import org.hsmkit.core.card.SmartCardHsm;
import org.hsmkit.core.card.WrappedKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hsmkit key restore FILE}: unwraps a key backup into a SmartCard-HSM with the same DKEK. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a key backup (from hsmkit key backup or sc-hsm-tool --wrap-key) into a free key slot of a"
            + " SmartCard-HSM with the same DKEK, with its description and certificate. Prints the restored key's reference.",
            "Needs -t card:."})
final class KeyRestoreCommand implements Callable<Integer> {
    private final CliSession session;

    @Parameters(paramLabel = "FILE", description = "the backup file")
    String file;

    KeyRestoreCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        WrappedKey backup = WrappedKey.parse(InputFiles.read(session, file, 16384, "a key backup"));
        SmartCardHsm card = CliSession.cardOf(session.token(), "key restore");
        TokenKey k = card.restore(backup);
        session.info("hsmkit: restored the " + KeyCommand.describe(k) + " into " + card);
        session.context().stdout().println(k.reference());
        session.context().stdout().flush();
        return ExitCode.OK;
    }
}
