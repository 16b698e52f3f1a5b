package org.hsmkit.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * The one place a {@link CommandLine} for hsmkit is made; {@link Main} and the CLI tests both go
 * through {@link #run}.
 */
public final class HsmkitCli {
    private HsmkitCli() {
    }

    /** Builds the command line with every subcommand, with its session. */
    public static CommandLine create(CliContext context) {
        return create(context, HsmkitCommand.SUBCOMMANDS);
    }

    /**
     * Builds the command line for {@code args}: with only the top-level subcommands that the
     * arguments name, or with all of them when none is named (help, a misspelt command) or the
     * completion script is asked for; with none for a bare {@code --version}. Picocli builds a
     * command's model by reflection over all its options and nested commands; for every command
     * that took 0.1 s of a one-file job's start-up.
     */
    static CommandLine createFor(CliContext context, String... args) {
        Set<String> words = Set.of(Arrays.stream(args).distinct().toArray(String[]::new));
        List<Class<?>> named = HsmkitCommand.BY_NAME.entrySet().stream()
                .filter(e -> words.contains(e.getKey()))
                .<Class<?>>map(Map.Entry::getValue)
                .toList();
        boolean versionOnly = named.isEmpty() && (words.contains("--version") || words.contains("-V"))
                && !words.contains("--help") && !words.contains("-h");
        if (versionOnly) {
            return create(context, List.of());
        }
        boolean needsAll = named.isEmpty() || named.contains(AutoComplete.GenerateCompletion.class);
        return create(context, needsAll ? HsmkitCommand.SUBCOMMANDS : named);
    }

    private static CommandLine create(CliContext context, List<Class<?>> subcommands) {
        HsmkitCommand top = new HsmkitCommand();
        CliSession session = new CliSession(context, top);
        IFactory factory = new IFactory() {
            private final IFactory fallback = CommandLine.defaultFactory();

            @Override
            public <K> K create(Class<K> cls) throws Exception {
                try {
                    Constructor<K> c = cls.getDeclaredConstructor(CliSession.class);
                    c.setAccessible(true);
                    return c.newInstance(session);
                } catch (NoSuchMethodException e) {
                    return fallback.create(cls);
                }
            }
        };
        CommandLine cl = new CommandLine(top, factory);
        for (Class<?> sub : subcommands) {
            cl.addSubcommand(sub);
        }
        ErrorReporter reporter = new ErrorReporter(context);
        cl.setOut(new PrintWriter(context.stdout(), true));
        cl.setErr(new PrintWriter(context.stderr(), true));
        cl.setExecutionExceptionHandler(reporter);
        cl.setParameterExceptionHandler(reporter);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        documentExitCodes(cl);
        cl.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } finally {
                session.close();
            }
        });
        return cl;
    }

    /** Shows the one exit code table (from {@link ExitCode}) in the help of every command. */
    private static void documentExitCodes(CommandLine cl) {
        cl.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCode.descriptions());
        for (CommandLine sub : cl.getSubcommands().values()) {
            documentExitCodes(sub);
        }
    }

    /** Parses and runs {@code args}; returns the exit code. */
    public static int run(CliContext context, String... args) {
        try {
            return createFor(context, args).execute(args);
        } catch (StackOverflowError e) {
            // picocli hands only Exceptions to the handler: an Error would end the JVM with a bare trace and exit code 1
            return new ErrorReporter(context).reportUncaught(e, args);
        }
    }
}
