package org.hsmkit.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The top-level command: global options and the list of subcommands. The exit code table is added
 * to every command's help by {@link HsmkitCli} from {@link ExitCode}; {@link HsmkitCli} also
 * registers the subcommands, from {@link #SUBCOMMANDS}.
 */
@Command(name = "hsmkit", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Encrypt, decrypt and sign files, PDFs and mail with keys that stay in a hardware security module.",
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  HSMKIT_TOKEN           token selector used when -t is not given",
            "  HSMKIT_PKCS11_MODULE   PKCS#11 module used when --module is not given",
            "  HSMKIT_PIN_FILE        file holding the PIN when no --pin-* option is given",
            "  XDG_DATA_HOME, HOME    the soft token's default file:",
            "                         $XDG_DATA_HOME/hsmkit/soft-token.p12, else",
            "                         $HOME/.local/share/hsmkit/soft-token.p12"
        })
public final class HsmkitCommand {
    /**
     * The top-level subcommands by name, in the order the help lists them. The names repeat those of
     * the {@code @Command} annotations (a test holds them equal): reading every command's
     * annotations to find the one a run names took about 70 ms of each start.
     */
    static final Map<String, Class<?>> BY_NAME = byName(
            "token", TokenCommand.class, "key", KeyCommand.class, "data", DataCommand.class, "random", RandomCommand.class,
            "card", CardCommand.class, "encrypt", EncryptCommand.class, "decrypt", DecryptCommand.class,
            "rewrap", RewrapCommand.class, "inspect", InspectCommand.class, "sign", SignCommand.class,
            "verify", VerifyCommand.class, "pdf", PdfCommand.class, "smime", SmimeCommand.class, "pgp", PgpCommand.class,
            "ca", CaCommand.class, "demo", DemoCommand.class, "generate-completion", AutoComplete.GenerateCompletion.class,
            "install-man", InstallManCommand.class);

    /** The top-level subcommands, in the order the help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.copyOf(BY_NAME.values());

    private static Map<String, Class<?>> byName(Object... nameThenClass) {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) {
            m.put((String) nameThenClass[i], (Class<?>) nameThenClass[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    @Option(names = {"-t", "--token"}, paramLabel = "TOKEN", scope = ScopeType.INHERIT,
            description = "'soft' (the software token, created on first use), 'soft:PATH.p12', a PKCS#11 URI such as pkcs11:token=SmartCard-HSM,"
                    + " or card: / card:READER for a SmartCard-HSM over PC/SC;"
                    + " default: the token of --module (or HSMKIT_PKCS11_MODULE) when given, else 'soft'")
    String token;

    @Option(names = "--module", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "PKCS#11 module (default: $HSMKIT_PKCS11_MODULE, then OpenSC's usual locations)")
    String module;

    @Option(names = "--pin-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "read the PIN from the first line of FILE")
    String pinFile;

    @Option(names = "--pin-env", paramLabel = "VAR", scope = ScopeType.INHERIT,
            description = "read the PIN from environment variable VAR")
    String pinEnv;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "print only results and errors")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "print more detail (with errors: their causes)")
    boolean verbose;

    @Option(names = "--stacktrace", scope = ScopeType.INHERIT, description = "print a stack trace with errors")
    boolean stacktrace;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "print reports, batch summaries and errors as JSON on standard output (schemas in docs/json.md)")
    boolean json;

    @Option(names = "--force", scope = ScopeType.INHERIT,
            description = "replace existing output files (deprecated second meaning, until the next release: --allow-final-pin-try)")
    boolean force;

    @Option(names = "--allow-final-pin-try", scope = ScopeType.INHERIT,
            description = "log in even when the token says one more wrong PIN locks it (default: refuse, try nothing)")
    boolean allowFinalPinTry;
}
