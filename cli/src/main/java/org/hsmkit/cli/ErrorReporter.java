package org.hsmkit.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import org.hsmkit.core.HsmkitException;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Maps every failure to an exit code and an {@code hsmkit: error: …} line (plus an optional
 * {@code hsmkit: hint: …}). The only place that decides exit codes; stack traces only with
 * {@code --stacktrace}.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private final CliContext context;

    ErrorReporter(CliContext context) {
        this.context = context;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        PrintStream err = context.stderr();
        CommandLine cmd = ex.getCommandLine();
        // picocli checks required options before it complains about unknown ones; a misspelt
        // option (or one given before its command's name) is the more useful thing to report,
        // with picocli's closest matches.
        ParameterException shown = ex;
        for (CommandLine c = cmd; !(ex instanceof UnmatchedArgumentException) && c != null; c = c.getParent()) {
            if (!c.getUnmatchedArguments().isEmpty()) {
                cmd = c;
                shown = new UnmatchedArgumentException(c, c.getUnmatchedArguments());
                break;
            }
        }
        String help = "'" + cmd.getCommandSpec().qualifiedName() + " --help'";
        String hint;
        if (shown instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            hint = "did you mean " + String.join(" or ", u.getSuggestions()) + "? see " + help;
        } else if (shown instanceof picocli.CommandLine.MissingParameterException m && m.getMissing().size() == 1
                && m.getMissing().get(0) instanceof OptionSpec o && o.completionCandidates() != null) {
            // 'ca issue' without --profile: the choices, not a trip to the help page
            List<String> choices = new java.util.ArrayList<>();
            o.completionCandidates().forEach(choices::add);
            hint = "add " + o.longestName() + " " + o.paramLabel() + ", one of: " + String.join(", ", choices) + " (see " + help + ")";
        } else if (shown.getMessage().startsWith("Missing required subcommand")) {
            hint = "add one of: " + String.join(", ", visibleSubcommands(cmd)) + " (see " + help + ")";
        } else if (shown instanceof UnmatchedArgumentException u && commandWithOption(cmd, u.getUnmatched(), args).isPresent()) {
            // 'hsmkit --so-pin-env SO card init': gpg and openssl users put options first
            CommandLine owner = commandWithOption(cmd, u.getUnmatched(), args).get();
            String name = owner.getCommandSpec().qualifiedName();
            hint = optionName(u.getUnmatched()) + " is an option of '" + name + "': put it after '" + owner.getCommandName()
                    + "' (" + name + " " + optionName(u.getUnmatched()) + " …)";
        } else if (shown instanceof UnmatchedArgumentException u && keyGivenWithoutOption(cmd, u.getUnmatched())) {
            // 'hsmkit key info mail': the commands that name a key take it as an option, everywhere alike
            String word = u.getUnmatched().get(0);
            hint = "name the key with --key " + (word.matches("[\\w.:/%=;@+-]+") ? word : "'" + word.replace("'", "'\\''") + "'")
                    + " (see " + help + ")";
        } else {
            hint = "see " + help;
        }
        PrintableLines.println(err, "hsmkit: error: " + shown.getMessage());
        PrintableLines.println(err, "hsmkit: hint: " + hint);
        err.flush();
        if (java.util.Arrays.asList(args).contains("--json")) {
            JsonOutput.print(context.stdout(), new JsonReports.Failure(new JsonReports.Error("USAGE", shown.getMessage(), hint)));
        }
        return ExitCode.USAGE;
    }

    /**
     * The command named later on the command line that has the first unknown option, when that
     * option came before the command's name.
     */
    private static java.util.Optional<CommandLine> commandWithOption(CommandLine cmd, List<String> unmatched, String[] args) {
        String option = optionName(unmatched);
        int at = java.util.Arrays.asList(args).indexOf(unmatched.isEmpty() ? "" : unmatched.get(0));
        if (option.isEmpty() || at < 0) {
            return java.util.Optional.empty();
        }
        CommandLine current = cmd;
        for (int i = at + 1; i < args.length; i++) {
            CommandLine sub = current.getSubcommands().get(args[i]);
            if (sub != null) {
                current = sub;
            }
        }
        return current != cmd && current.getCommandSpec().findOption(option) != null
                ? java.util.Optional.of(current) : java.util.Optional.empty();
    }

    /** The first unknown word as an option name, without an attached value; empty when it is not an option. */
    private static String optionName(List<String> unmatched) {
        if (unmatched.isEmpty() || !unmatched.get(0).startsWith("-") || unmatched.get(0).equals("-")) {
            return "";
        }
        String word = unmatched.get(0);
        return word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
    }

    /** One word left over by a command that takes no operands but a --key that was not given. */
    private static boolean keyGivenWithoutOption(CommandLine cmd, List<String> unmatched) {
        picocli.CommandLine.Model.OptionSpec key = cmd.getCommandSpec().findOption("--key");
        return key != null && cmd.getCommandSpec().positionalParameters().isEmpty() && unmatched.size() == 1
                && !unmatched.get(0).startsWith("-") && cmd.getParseResult() != null && !cmd.getParseResult().hasMatchedOption(key);
    }

    private static List<String> visibleSubcommands(CommandLine cmd) {
        return cmd.getSubcommands().entrySet().stream()
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
                .map(Map.Entry::getKey).toList();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        int code = report(ex, optionGiven(parseResult, "--stacktrace"), optionGiven(parseResult, "--verbose"));
        if (optionGiven(parseResult, "--json")) {
            // a script reads standard output only: the same error, as a document
            JsonOutput.print(context.stdout(), JsonReports.Failure.of(describe(ex)));
        }
        return code;
    }

    /** An Error that came out of picocli's execution (it handles Exceptions only), reported as the handler would. */
    int reportUncaught(Throwable ex, String[] args) {
        List<String> given = java.util.Arrays.asList(args);
        int code = report(ex, given.contains("--stacktrace"), given.contains("--verbose") || given.contains("-v"));
        if (given.contains("--json")) {
            JsonOutput.print(context.stdout(), JsonReports.Failure.of(describe(ex)));
        }
        return code;
    }

    int report(Throwable ex, boolean stacktrace) {
        return report(ex, stacktrace, false);
    }

    /**
     * What a failure means for the user: its exit code, kind, message and hint.
     *
     * @param failsEveryInput the token or key cannot work for any input (see HsmkitException#failsEveryInput)
     */
    record Failure(int code, String kind, String message, String hint, boolean failsEveryInput) {
    }

    /** Classifies {@code ex} the way every report shows it (also per file in a batch). */
    static Failure describe(Throwable ex) {
        if (ex instanceof HsmkitException h) {
            return new Failure(h.kind().exitCode(), h.kind().name(), h.getMessage(),
                    h.hint().orElse(null), h.failsEveryInput());
        }
        if (ex instanceof UncheckedIOException || ex instanceof IOException) {
            return new Failure(ExitCode.IO, "IO", "I/O error: "
                    + (ex.getCause() != null && ex instanceof UncheckedIOException ? ex.getCause().getMessage() : ex.getMessage()), null, false);
        }
        if (ex instanceof StackOverflowError) {
            return new Failure(ExitCode.INPUT, "INPUT", "the input nests deeper than hsmkit can follow (stack overflow)",
                    "if the file is sound, run again with --stacktrace and report it", false);
        }
        return new Failure(ExitCode.INPUT, "INTERNAL", "unexpected failure: " + ex, "run again with --stacktrace and report it", false);
    }

    /** With {@code verbose}, the chain of causes follows as {@code hsmkit: cause: …} lines. */
    int report(Throwable ex, boolean stacktrace, boolean verbose) {
        PrintStream err = context.stderr();
        Failure f = describe(ex);
        PrintableLines.println(err, "hsmkit: error: " + f.message());
        if (f.hint() != null) {
            PrintableLines.println(err, "hsmkit: hint: " + f.hint());
        }
        if (verbose && !stacktrace) {
            int depth = 0;
            for (Throwable c = ex.getCause(); c != null && c != ex && depth < 8; c = c.getCause(), depth++) {
                PrintableLines.println(err, "hsmkit: cause: " + c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage()));
            }
        }
        if (stacktrace) {
            ex.printStackTrace(err);
        }
        err.flush();
        return f.code();
    }

    private static boolean optionGiven(ParseResult pr, String name) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(name)) {
                return true;
            }
        }
        return false;
    }
}
