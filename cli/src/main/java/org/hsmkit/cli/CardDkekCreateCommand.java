package org.hsmkit.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.card.DkekShare;
import org.hsmkit.core.card.PasswordShares;
import org.hsmkit.core.card.SmartCardHsm;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsmkit card dkek create FILE}: a new random DKEK share in a file sc-hsm-tool reads, under
 * a password, or under a random password split n-of-m among holders (each part shown once).
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Create a DKEK share file (32 random bytes from the device's generator and the host's, encrypted"
            + " as sc-hsm-tool --create-dkek-share does). The password comes from --password-file/--password-env or a"
            + " prompt (asked twice, at least 10 characters). With --threshold N --holders M a random password is made"
            + " instead and split so that any N of M holders can rebuild it: each holder's part is shown once (on a"
            + " terminal, one screen per holder) and kept nowhere."})
final class CardDkekCreateCommand implements Callable<Integer> {
    static final int MIN_PASSWORD = 10;
    private final CliSession session;

    @Parameters(paramLabel = "FILE", description = "the share file to write (64 bytes)")
    String file;

    @Option(names = "--threshold", paramLabel = "N", description = "parts needed to rebuild the password (2 or more)")
    Integer threshold;

    @Option(names = "--holders", paramLabel = "M", description = "parts made, one per holder (N to 255)")
    Integer holders;

    @Option(names = "--password-file", paramLabel = "FILE", description = "read the share password from the first line of FILE")
    String passwordFile;

    @Option(names = "--password-env", paramLabel = "VAR", description = "read the share password from environment variable VAR")
    String passwordEnv;

    CardDkekCreateCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws IOException {
        boolean split = threshold != null || holders != null;
        if (split && (threshold == null || holders == null)) {
            throw new HsmkitException(ErrorKind.USAGE, "--threshold and --holders go together", "e.g. --threshold 2 --holders 3");
        }
        if (split) {
            PasswordShares.checkCounts(threshold, holders);
            if (passwordFile != null || passwordEnv != null) {
                throw new HsmkitException(ErrorKind.USAGE, "an n-of-m password is made by hsmkit, so it takes no --password-*",
                        "leave out --password-file/--password-env, or --threshold/--holders");
            }
        }
        PinSource given = CardDkekCommand.passwordOption(session, passwordFile, passwordEnv);
        try (AtomicOutput out = session.output(file, true)) {
            SmartCardHsm card = session.card();
            SecureRandom random = new SecureRandom();
            byte[] cardRandom = new byte[DkekShare.LENGTH];
            card.randomBytes(cardRandom);
            random.setSeed(cardRandom); // adds to the host's seed, never replaces it
            byte[] fileBytes;
            PasswordShares.Split parts = null;
            try (DkekShare share = mixed(random, cardRandom)) {
                if (split) {
                    byte[] password = PasswordShares.newPassword(random);
                    try {
                        parts = PasswordShares.split(password, threshold, holders, random);
                        session.info("hsmkit: encrypting the share (ten million key derivation rounds: a few seconds)...");
                        fileBytes = share.encrypt(password, random);
                    } finally {
                        Arrays.fill(password, (byte) 0);
                    }
                } else {
                    char[] password = password(given);
                    try {
                        session.info("hsmkit: encrypting the share (ten million key derivation rounds: a few seconds)...");
                        fileBytes = share.encrypt(password, random);
                    } finally {
                        Arrays.fill(password, '\0');
                    }
                }
            } finally {
                Arrays.fill(cardRandom, (byte) 0);
            }
            out.stream().write(fileBytes);
            out.commit();
            session.info("hsmkit: DKEK share written to " + file + "; keep it apart from the other shares");
            if (parts != null) {
                showParts(parts);
            }
        }
        return ExitCode.OK;
    }

    /** A share from the host's generator and the device's, combined by exclusive or. */
    private static DkekShare mixed(SecureRandom random, byte[] cardRandom) {
        byte[] v = new byte[DkekShare.LENGTH];
        random.nextBytes(v);
        for (int i = 0; i < v.length; i++) {
            v[i] ^= cardRandom[i];
        }
        try {
            return DkekShare.of(v);
        } finally {
            Arrays.fill(v, (byte) 0);
        }
    }

    private char[] password(PinSource given) {
        PinSource source = given != null ? given : session.prompted("pass --password-file FILE or --password-env VAR");
        char[] p = source.pin("password for the DKEK share " + file, given == null);
        if (p.length < MIN_PASSWORD) {
            Arrays.fill(p, '\0');
            throw new HsmkitException(ErrorKind.USAGE, "the share password has " + p.length + " characters; it needs at least "
                    + MIN_PASSWORD, "choose a longer password (letters, digits and symbols), or use --threshold N --holders M");
        }
        return p;
    }

    /**
     * Shows each holder's part once. On a terminal: one holder at a time, the screen cleared in
     * between; otherwise all parts one after the other on standard output.
     */
    private void showParts(PasswordShares.Split split) {
        PrintStream out = session.context().stdout();
        Terminal terminal = session.context().terminal();
        boolean screens = terminal.interactive();
        for (PasswordShares.Part p : split.parts()) {
            int n = split.parts().size();
            if (screens) {
                terminal.readLine("Press Enter to show part " + p.id() + " of " + n + " (holder " + p.id() + " only) ");
            }
            out.println("Part " + p.id() + " of " + n + " (any " + threshold + " of the " + n + " parts open the share file)");
            out.println("Prime       : " + split.primeText());
            out.println("Share ID    : " + p.id());
            out.println("Share value : " + p.valueText());
            out.flush();
            if (screens) {
                terminal.readLine("Note the prime, the share ID and the share value, then press Enter to clear the screen ");
                out.print("\033[H\033[2J\033[3J");
                out.flush();
            } else {
                out.println();
            }
        }
    }
}
