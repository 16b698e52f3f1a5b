package org.hsmkit.cli;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.card.DkekShare;
import org.hsmkit.core.card.DkekStatus;
import org.hsmkit.core.card.PasswordShares;
import org.hsmkit.core.card.SmartCardHsm;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsmkit card dkek import FILE}: opens a share file with its password (or with n-of-m
 * parts typed in by their holders) and imports the share into the device.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a DKEK share file (from hsmkit or sc-hsm-tool) into the device and show the DKEK state after.",
            "The password comes from --password-file/--password-env or a prompt. With --threshold N the holders type"
            + " in the prime and N parts on the terminal instead (a mistyped entry may be typed again)."})
final class CardDkekImportCommand implements Callable<Integer> {
    /** Attempts at one typed entry, and rounds of all parts, before giving up. */
    static final int TRIES = 3;
    private final CliSession session;

    @Parameters(paramLabel = "FILE", description = "the share file (64 bytes)")
    String file;

    @Option(names = "--threshold", paramLabel = "N", description = "the password is split: N holders type in their parts")
    Integer threshold;

    @Option(names = "--password-file", paramLabel = "FILE", description = "read the share password from the first line of FILE")
    String passwordFile;

    @Option(names = "--password-env", paramLabel = "VAR", description = "read the share password from environment variable VAR")
    String passwordEnv;


    CardDkekImportCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        byte[] bytes = InputFiles.read(session, file, 4096, "a DKEK share file");
        DkekShare.checkFormat(bytes);
        if (threshold != null && (passwordFile != null || passwordEnv != null)) {
            throw new HsmkitException(ErrorKind.USAGE, "--threshold takes the password from its holders' parts, not from --password-*",
                    "leave out --password-file/--password-env");
        }
        if (threshold != null && (threshold < 2 || threshold > PasswordShares.MAX_HOLDERS)) {
            throw new HsmkitException(ErrorKind.USAGE, "--threshold must be 2 to 255", null);
        }
        PinSource given = CardDkekCommand.passwordOption(session, passwordFile, passwordEnv);
        SmartCardHsm card = session.card();
        DkekStatus before = card.dkekStatus();
        if (before.complete()) {
            throw HsmkitException.key("all " + before.shares() + " DKEK shares of " + card + " are already imported (key check value "
                    + before.keyCheckValueHex() + ")", "a device takes its shares once; to start over, initialise it again (this wipes it)");
        }
        DkekStatus after;
        try (DkekShare share = threshold == null ? withPassword(bytes, given) : withParts(bytes)) {
            after = card.importDkekShare(share);
        }
        session.info("hsmkit: imported the DKEK share from " + file + " into " + card);
        CardDkekCommand.print(session, after, session.json());
        return ExitCode.OK;
    }

    private DkekShare withPassword(byte[] bytes, PinSource given) {
        PinSource source = given != null ? given : session.prompted("pass --password-file FILE or --password-env VAR");
        int attempts = given != null ? 1 : TRIES;
        for (int i = 1; ; i++) {
            char[] password = source.pin("password for the DKEK share " + file, false);
            session.info("hsmkit: opening the share (ten million key derivation rounds: a few seconds)...");
            try {
                return DkekShare.decrypt(bytes, password);
            } catch (HsmkitException e) {
                if (e.kind() != ErrorKind.KEY || i >= attempts) {
                    throw wrong(e, i);
                }
                session.warn("the password does not open " + file + "; try again (" + (attempts - i) + " left)");
            } finally {
                Arrays.fill(password, '\0');
            }
        }
    }

    private DkekShare withParts(byte[] bytes) {
        Terminal terminal = session.context().terminal();
        if (!terminal.interactive()) {
            throw new HsmkitException(ErrorKind.USAGE, "the parts of an n-of-m password are typed in by their holders on a terminal",
                    "run the command on a terminal");
        }
        BigInteger prime = ask(() -> terminal.readLine("Prime (as printed on any part): "), t -> PasswordShares.parseHex(t, "prime"));
        for (int round = 1; ; round++) {
            List<PasswordShares.Part> parts = new ArrayList<>();
            for (int h = 1; h <= threshold; h++) {
                int holder = h;
                int id = ask(() -> terminal.readLine("Holder " + holder + " of " + threshold + ", share ID: "), PasswordShares::parseId);
                BigInteger value = ask(() -> {
                    char[] s = terminal.readSecret("Holder " + holder + " of " + threshold + ", share value: ");
                    if (s == null) {
                        return null;
                    }
                    String v = new String(s);
                    Arrays.fill(s, '\0');
                    return v;
                }, t -> PasswordShares.parseHex(t, "share value"));
                if (parts.stream().anyMatch(p -> p.id() == id)) {
                    session.warn("share ID " + id + " was entered already; holder " + holder + ", enter your own part");
                    h--;
                    continue;
                }
                parts.add(new PasswordShares.Part(id, value));
            }
            byte[] password = PasswordShares.combine(prime, parts);
            session.info("hsmkit: opening the share (ten million key derivation rounds: a few seconds)...");
            try {
                return open(bytes, password);
            } catch (HsmkitException e) {
                if (e.kind() != ErrorKind.KEY || round >= TRIES) {
                    throw wrong(e, round);
                }
                session.warn("these " + threshold + " parts do not open " + file + ": a value or the prime was mistyped, or a part"
                        + " is of another share file; enter the parts again (" + (TRIES - round) + " rounds left)");
            } finally {
                Arrays.fill(password, (byte) 0);
            }
        }
    }

    /**
     * Opens with the rebuilt password; sc-hsm-tool loses a leading zero byte of its passwords
     * when it rebuilds them, so a password shorter than 8 bytes is also tried with the zeros back.
     */
    private static DkekShare open(byte[] bytes, byte[] password) {
        try {
            return DkekShare.decrypt(bytes, password);
        } catch (HsmkitException e) {
            if (password.length >= PasswordShares.PASSWORD_LENGTH || e.kind() != ErrorKind.KEY) {
                throw e;
            }
            byte[] padded = new byte[PasswordShares.PASSWORD_LENGTH];
            System.arraycopy(password, 0, padded, padded.length - password.length, password.length);
            try {
                return DkekShare.decrypt(bytes, padded);
            } finally {
                Arrays.fill(padded, (byte) 0);
            }
        }
    }

    private HsmkitException wrong(HsmkitException e, int attempts) {
        if (e.kind() != ErrorKind.KEY) {
            return e;
        }
        return new HsmkitException(ErrorKind.KEY, "the " + (threshold == null ? "password does" : "parts do") + " not open the DKEK share "
                + file + (attempts > 1 ? " (" + attempts + " attempts)" : "") + "; nothing was imported",
                threshold == null ? "check the password of this share file (each share file has its own)"
                        : "check the prime and each holder's share ID and value against the printed parts", e);
    }

    /** Asks for one typed entry until it reads, at most {@link #TRIES} times. */
    private <T> T ask(java.util.function.Supplier<String> prompt, Function<String, T> parse) {
        for (int i = 1; ; i++) {
            String answer = prompt.get();
            if (answer == null) {
                throw new HsmkitException(ErrorKind.USAGE, "input ended before all parts were entered", "run the command again");
            }
            try {
                return parse.apply(answer);
            } catch (HsmkitException e) {
                if (i >= TRIES) {
                    throw e;
                }
                session.warn(e.getMessage() + "; type it again (" + (TRIES - i) + " left)");
            }
        }
    }
}
