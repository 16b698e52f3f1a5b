package org.hsmkit.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;

import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * The one place a {@link CommandLine} for hsmkit is made; {@link Main} and the CLI tests both go
 * through {@link #run}.
 */
public final class HsmkitCli {
    private HsmkitCli() {
    }

    /** Builds the command line for one invocation, with its session. */
    public static CommandLine create(CliContext context) {
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
        return create(context).execute(args);
    }
}
