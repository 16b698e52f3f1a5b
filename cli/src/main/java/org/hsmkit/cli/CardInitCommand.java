package org.hsmkit.cli;

import java.util.Arrays;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.card.CardInitialization;
import org.hsmkit.core.card.SmartCardHsm;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit card init}: sets the SO-PIN, the user PIN and the DKEK share count, as
 * {@code sc-hsm-tool --initialize} does. Wipes the device, so it needs {@code --yes}.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Initialise the SmartCard-HSM: SO-PIN, user PIN, PIN tries and the number of DKEK shares.",
            "THIS DELETES EVERY KEY, CERTIFICATE AND DATA OBJECT ON THE DEVICE; it runs only with --yes.",
            "The user PIN comes from --pin-file/--pin-env or a prompt (asked twice); the SO-PIN from"
            + " --so-pin-file/--so-pin-env or a prompt. On a device initialised before, give its current SO-PIN."})
final class CardInitCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    SoPinOptions so = new SoPinOptions();

    @Option(names = "--pin-retries", paramLabel = "N", defaultValue = "3",
            description = "wrong user PINs before it locks (default 3; at most 3 for a 6-digit PIN, 5 for 7, 10 for longer)")
    int retries;

    @Option(names = "--dkek-shares", paramLabel = "N",
            description = "number of DKEK shares (needed for key backup); 0: a random DKEK the device keeps to itself;"
                + " leave out for no DKEK")
    Integer dkekShares;

    @Option(names = "--label", paramLabel = "TEXT", defaultValue = "", description = "token label")
    String label;

    @Option(names = {"-y", "--yes"}, description = "really wipe and initialise the device")
    boolean yes;

    CardInitCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        if (!yes) {
            throw new HsmkitException(ErrorKind.USAGE, "card init deletes every key, certificate and data object on the device",
                    "run it again with --yes when you mean it (check first with: hsmkit card info)");
        }
        PinSource soPins = so.source(session);
        SmartCardHsm card = session.card();
        char[] soPin = soPins.pin("SO-PIN (16 hex digits) for " + card, so.prompted());
        char[] user = null;
        CardInitialization init = null;
        try {
            user = session.pins().pin("new user PIN for " + card, true);
            init = new CardInitialization(soPin, user, retries,
                    dkekShares == null ? OptionalInt.empty() : OptionalInt.of(dkekShares), label);
            session.info("hsmkit: initialising " + card + " (every key and data object on it is deleted)...");
            card.initialize(init);
        } finally {
            Arrays.fill(soPin, '\0');
            if (user != null) {
                Arrays.fill(user, '\0');
            }
            if (init != null) {
                init.clear();
            }
        }
        session.info("hsmkit: initialised " + card + (dkekShares == null ? " without DKEK (keys cannot be backed up)"
                : dkekShares == 0 ? " with a random DKEK kept by the device"
                        : " for " + dkekShares + " DKEK share" + (dkekShares == 1 ? "" : "s")
                                + "; next: hsmkit card dkek import SHARE-FILE"));
        return ExitCode.OK;
    }
}
