package org.hsmkit.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.hsmkit.core.Token;
import org.hsmkit.core.TokenInfo;
import org.hsmkit.core.TokenSpec;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code hsmkit token list|info}: what tokens there are and what state they are in, without a
 * login; {@code token change-pin|unblock-pin|change-so-pin}: the PINs.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Show tokens (the software token or the PKCS#11 module's slots); change or unblock the user PIN,"
            + " change the SO-PIN.",
        subcommands = {TokenCommand.ListCommand.class, TokenCommand.InfoCommand.class, TokenCommand.ChangePinCommand.class,
            TokenCommand.UnblockPinCommand.class, TokenCommand.ChangeSoPinCommand.class})
final class TokenCommand {

    /** Reads the SO-PIN, then the new PIN, runs {@code operation} with both and clears them. */
    private static void withSoPin(CliSession session, Token token, SoPinOptions so, Supplier<char[]> next, BiConsumer<char[], char[]> operation) {
        char[] soPin = so.source(session).pin("SO-PIN for " + token, false);
        char[] replacement = null;
        try {
            replacement = next.get();
            operation.accept(soPin, replacement);
        } finally {
            Arrays.fill(soPin, '\0');
            if (replacement != null) {
                Arrays.fill(replacement, '\0');
            }
        }
    }

    @Command(name = "change-pin", mixinStandardHelpOptions = true,
            description = {"Change the user PIN of the token (the soft token: its passphrase).",
                "The current PIN comes from --pin-file, --pin-env or the terminal, and counts as a login try; the new one from"
                    + " --new-pin-file, --new-pin-env or the terminal (asked twice)."})
    static final class ChangePinCommand implements Callable<Integer> {
        private final CliSession session;

        @Mixin
        NewPinOptions replacement = new NewPinOptions();

        ChangePinCommand(CliSession session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            session.token().changePin(replacement.source(session));
            session.info("hsmkit: changed the PIN of " + session.token());
            return ExitCode.OK;
        }
    }

    @Command(name = "unblock-pin", mixinStandardHelpOptions = true,
            description = {"Set a new user PIN with the security officer's PIN (SO-PIN), which unblocks a locked PIN.",
                "The SO-PIN comes from --so-pin-file, --so-pin-env or the terminal; a wrong one counts against its own tries"
                    + " (a SmartCard-HSM whose SO-PIN locks can only be initialised again)."})
    static final class UnblockPinCommand implements Callable<Integer> {
        private final CliSession session;

        @Mixin
        SoPinOptions so = new SoPinOptions();

        @Mixin
        NewPinOptions replacement = new NewPinOptions();

        UnblockPinCommand(CliSession session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            Token token = session.token();
            withSoPin(session, token, so, () -> replacement.read(session, "new PIN for " + token), token::unblockPin);
            session.info("hsmkit: set a new PIN on " + token + "; its retry counter starts again");
            return ExitCode.OK;
        }
    }

    @Command(name = "change-so-pin", mixinStandardHelpOptions = true,
            description = {"Change the security officer's PIN (SO-PIN), which unblocks the user PIN and initialises the device.",
                "The current SO-PIN comes from --so-pin-file, --so-pin-env or the terminal, the new one from --new-so-pin-file,"
                    + " --new-so-pin-env or the terminal (asked twice). A SmartCard-HSM takes 16 hexadecimal characters; change"
                    + " the SO-PIN it was delivered with (3537363231383830) before the device holds anything of value."})
    static final class ChangeSoPinCommand implements Callable<Integer> {
        private final CliSession session;

        @Mixin
        SoPinOptions so = new SoPinOptions();

        @Mixin
        NewSoPinOptions replacement = new NewSoPinOptions();

        ChangeSoPinCommand(CliSession session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            Token token = session.token();
            withSoPin(session, token, so, () -> replacement.read(session, "new SO-PIN for " + token), token::changeSoPin);
            session.info("hsmkit: changed the SO-PIN of " + token + "; keep it safe: without it a locked PIN stays locked");
            return ExitCode.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the tokens the -t selector can mean: for PKCS#11 every slot with a token of the module,"
                + " with label, serial, model, PIN state and flags; for the soft token its key store file.",
                "Does not log in."})
    static final class ListCommand implements Callable<Integer> {
        private final CliSession session;

        ListCommand(CliSession session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            TokenSpec spec = session.tokenSpec();
            List<TokenInfo> infos = spec.list(session.tokenOptions());
            if (session.json()) {
                JsonOutput.print(session.context().stdout(), new JsonReports.Tokens(infos));
                return ExitCode.OK;
            }
            if (infos.isEmpty()) {
                session.info("hsmkit: no token found for " + spec);
                return ExitCode.OK;
            }
            String location = infos.get(0).location();
            boolean oneLocation = infos.stream().allMatch(i -> i.location().equals(location));
            if (oneLocation) {
                session.context().stdout().printf("%-7s %s%n", locationName(infos.get(0)) + ":", location);
            }
            TextTable table = new TextTable("SLOT", "LABEL", "SERIAL", "MODEL", "PIN", "FLAGS", "URI");
            for (TokenInfo i : infos) {
                table.row(i.slotId() < 0 ? "-" : Long.toString(i.slotId()), orDash(i.label()), orDash(i.serial()),
                        orDash(i.model()), pinState(i), i.flags().isEmpty() ? "-" : String.join(",", i.flags()),
                        oneLocation || i.kind().equals("card") ? i.uri() : i.uri() + " (" + i.location() + ")");
            }
            table.print(session.context().stdout());
            return ExitCode.OK;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = {"Describe the one token selected by -t: module or file, slot, label, manufacturer, model,"
                + " serial, flags and PIN state.", "Does not log in."})
    static final class InfoCommand implements Callable<Integer> {
        private final CliSession session;

        InfoCommand(CliSession session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            TokenInfo i = session.token().info();
            if (session.json()) {
                JsonOutput.print(session.context().stdout(), i);
                return ExitCode.OK;
            }
            PrintStream out = session.context().stdout();
            field(out, "kind", i.kind());
            field(out, locationName(i), i.location());
            if (i.slotId() >= 0) {
                field(out, "slot", Long.toString(i.slotId()));
            }
            field(out, "label", i.label());
            field(out, "manufacturer", i.manufacturer());
            field(out, "model", i.model());
            field(out, "serial", i.serial());
            field(out, "pin", pinState(i));
            field(out, "flags", String.join(",", i.flags()));
            field(out, "uri", i.uri());
            out.flush();
            return ExitCode.OK;
        }

        private static void field(PrintStream out, String name, String value) {
            out.printf("%-13s %s%n", name + ":", orDash(value));
        }
    }

    static String pinState(TokenInfo i) {
        String s = orDash(i.pinState());
        return i.pinTriesLeft().isPresent() ? s + " (" + triesLeft(i.pinTriesLeft().getAsInt()) + ")" : s;
    }

    static String triesLeft(int n) {
        return n + (n == 1 ? " try left" : " tries left");
    }

    /** What the location of a token is: a key store file, a PKCS#11 module or a PC/SC reader. */
    static String locationName(TokenInfo i) {
        return switch (i.kind()) {
            case "soft" -> "file";
            case "card" -> "reader";
            default -> "module";
        };
    }

    static String orDash(String s) {
        return s == null || s.isBlank() ? "-" : s.strip();
    }
}
