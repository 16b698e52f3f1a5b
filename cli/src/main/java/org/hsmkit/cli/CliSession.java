package org.hsmkit.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.card.SmartCardHsm;

/**
 * State shared by the commands of one invocation: the global options, the context, and the token,
 * opened at most once and closed when the invocation ends (so one login serves the whole command).
 */
public final class CliSession implements AutoCloseable {
    private final CliContext context;
    private final HsmkitCommand global;
    private Token token;

    CliSession(CliContext context, HsmkitCommand global) {
        this.context = context;
        this.global = global;
    }

    public CliContext context() {
        return context;
    }

    public boolean quiet() {
        return global.quiet;
    }

    /** Whether --json was given: reports and errors as JSON on standard output. */
    public boolean json() {
        return global.json;
    }

    public boolean verbose() {
        return global.verbose;
    }

    /** Whether --force was given: replace existing outputs. */
    public boolean forced() {
        return global.force;
    }

    /**
     * The token selector from -t, HSMKIT_TOKEN, else the token of the module named by --module or
     * HSMKIT_PKCS11_MODULE (pkcs11:), else the default soft token, located from this invocation's
     * environment ($XDG_DATA_HOME, then $HOME/.local/share).
     */
    public TokenSpec tokenSpec() {
        String t = global.token != null ? global.token : context.env().get("HSMKIT_TOKEN");
        if ((t == null || t.isBlank()) && module().isPresent()) {
            t = "pkcs11:";
        }
        TokenSpec spec = TokenSpec.parse(t);
        if (spec.isSoft() && spec.toString().equals("soft")) {
            return TokenSpec.parse("soft:" + TokenSpec.defaultSoftPath(context.env()));
        }
        if (spec.isSoft() && !spec.toString().equals("soft") && !spec.softPath().isAbsolute()) {
            // a relative soft:PATH means relative to the working directory of this invocation
            return TokenSpec.parse("soft:" + context.resolve(spec.softPath().toString()));
        }
        return spec;
    }

    /** The PIN source from --pin-file, --pin-env, HSMKIT_PIN_FILE, or a prompt. */
    public PinSource pins() {
        if (global.pinFile != null && global.pinEnv != null) {
            throw new HsmkitException(ErrorKind.USAGE, "--pin-file and --pin-env exclude each other", "give one of them");
        }
        if (global.pinFile != null) {
            return PinSource.fromFile(context.resolve(global.pinFile));
        }
        if (global.pinEnv != null) {
            return fromEnvironment(global.pinEnv, "export " + global.pinEnv + " with the PIN, or use --pin-file");
        }
        String file = context.env().get("HSMKIT_PIN_FILE");
        if (file != null && !file.isBlank()) {
            return PinSource.fromFile(context.resolve(file));
        }
        return prompted("pass --pin-file FILE or --pin-env VAR (or set HSMKIT_PIN_FILE)");
    }

    /** A secret from a variable of the context's environment; {@code hintWhenUnset} when it is not set. */
    public PinSource fromEnvironment(String variable, String hintWhenUnset) {
        return PinSource.fromEnvironment(variable, context.env(), hintWhenUnset);
    }

    /**
     * A PIN or passphrase source that asks on the terminal without echo (twice when confirming),
     * and refuses with {@code hintWithoutTerminal} when there is no terminal.
     */
    public PinSource prompted(String hintWithoutTerminal) {
        Terminal terminal = context.terminal();
        return PinSource.prompting(terminal.interactive() ? terminal::readSecret : null, hintWithoutTerminal);
    }

    /**
     * Asks a yes/no question on the terminal; {@code false} unless the answer starts with y.
     *
     * @throws HsmkitException USAGE when there is no terminal, with {@code hintWithoutTerminal}
     */
    public boolean confirm(String question, String hintWithoutTerminal) {
        Terminal terminal = context.terminal();
        if (!terminal.interactive()) {
            throw new HsmkitException(ErrorKind.USAGE, "confirmation needed but there is no terminal to ask on",
                    hintWithoutTerminal);
        }
        String answer = terminal.readLine(question + " [y/N] ");
        return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
    }

    /**
     * Whether to go ahead and delete {@code what}: yes when {@code yes} (--yes) was given, else the
     * answer on the terminal; a refusal prints "nothing deleted". Without a terminal and --yes it
     * fails with a hint naming {@code listCommand}, where the user can check first.
     */
    public boolean confirmDeletion(String what, boolean yes, String listCommand) {
        if (yes || confirm("Delete the " + what + "?",
                "pass --yes to delete without asking (check first with '" + listCommand + "')")) {
            return true;
        }
        info("hsmkit: nothing deleted");
        return false;
    }

    /** The PKCS#11 module from --module or HSMKIT_PKCS11_MODULE; empty means search. */
    public Optional<Path> module() {
        if (global.module != null) {
            return Optional.of(context.resolve(global.module));
        }
        String env = context.env().get("HSMKIT_PKCS11_MODULE");
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(context.resolve(env));
    }

    public TokenOptions tokenOptions() {
        return tokenOptions(module());
    }

    /**
     * Token options with {@code module}: the final PIN try is allowed with --allow-final-pin-try,
     * and still with --force (its old second meaning, kept for one release), which then warns
     * when it is the reason a PIN at its final try is used.
     */
    private TokenOptions tokenOptions(Optional<Path> module) {
        PinSource pins = pins();
        if (global.force && !global.allowFinalPinTry) {
            PinSource asked = pins;
            pins = (prompt, confirm) -> {
                if (prompt.contains("final try")) {
                    warn("--force spent the final PIN try; this use of --force is deprecated and ends in the next release:"
                            + " use --allow-final-pin-try");
                }
                return asked.pin(prompt, confirm);
            };
        }
        return new TokenOptions(module, pins, global.allowFinalPinTry || global.force);
    }

    /** The token, opened on first use. */
    public synchronized Token token() {
        if (token == null) {
            token = tokenSpec().open(tokenOptions());
        }
        return token;
    }

    /**
     * Where a command writes its result: {@code file} through {@link AtomicOutput} (nothing appears
     * there unless committed; an existing file is refused without --force; never one of
     * {@code inputs}), or standard output when {@code file} is null or "-". Binary results are
     * refused when standard output is a terminal. Call it before any token work, so a bad target
     * fails first.
     */
    public AtomicOutput output(String file, boolean binary, Path... inputs) {
        if (file == null || file.equals("-")) {
            if (binary) {
                refuseBinaryOnTerminal();
            }
            return AtomicOutput.toStream(context.stdout());
        }
        return AtomicOutput.toFile(context.resolve(file), forced(), inputs);
    }

    /**
     * Fails when {@code dataOnStdout} and --json is given: the JSON document owns standard output,
     * so the {@code what} (message, data, content) cannot go there too.
     */
    void refuseJsonBeside(boolean dataOnStdout, String what) {
        if (dataOnStdout && json()) {
            throw new HsmkitException(ErrorKind.USAGE, "with --json standard output carries the report, not the " + what,
                    "write the " + what + " with -o FILE");
        }
    }

    /** Fails when standard output is a terminal: binary output there is garbage, and can upset the terminal. */
    void refuseBinaryOnTerminal() {
        if (context.terminal().stdoutIsTerminal()) {
            throw new HsmkitException(ErrorKind.USAGE, "refusing to write binary data to the terminal",
                    "write it to a file with -o FILE, pipe it into another program, or ask for text with --armor where the command has it");
        }
    }

    /**
     * The token for a command that names a key: as {@link #token()}, except that when neither -t
     * nor HSMKIT_TOKEN is given and the key is a PKCS#11 URI, the token is the one that URI names
     * (so {@code --key 'pkcs11:token=SmartCard-HSM;id=%10'} works on its own).
     */
    public synchronized Token tokenFor(String keyReference) {
        String env = context.env().get("HSMKIT_TOKEN");
        if (token == null && global.token == null && (env == null || env.isBlank()) && keyReference != null
                && keyReference.regionMatches(true, 0, "pkcs11:", 0, 7)) {
            token = TokenSpec.parse(keyReference).open(tokenOptions());
        }
        return token();
    }

    /** Whether the token was chosen with -t or HSMKIT_TOKEN (rather than defaulted). */
    public boolean tokenChosen() {
        String env = context.env().get("HSMKIT_TOKEN");
        return global.token != null || (env != null && !env.isBlank());
    }

    /**
     * The token for a command whose own configuration names one (a CA's {@code ca.conf}): -t or
     * HSMKIT_TOKEN when given, else {@code configured}; the module from --module or
     * HSMKIT_PKCS11_MODULE, else {@code configuredModule}.
     */
    public Token tokenOr(Optional<String> configured, Optional<String> configuredModule) {
        if (token == null && !tokenChosen() && configured.isPresent()) {
            Optional<Path> m = module().or(() -> configuredModule.map(context::resolve));
            token = TokenSpec.parse(configured.get()).open(tokenOptions(m));
        }
        return token();
    }

    /**
     * The SmartCard-HSM for the {@code card} commands: the token -t or HSMKIT_TOKEN selects when
     * it is a {@code card:} selector, else the first SmartCard-HSM ({@code card:}).
     *
     * @throws HsmkitException USAGE when -t selects another kind of token
     */
    public SmartCardHsm card() {
        String t = global.token != null ? global.token : context.env().get("HSMKIT_TOKEN");
        TokenSpec spec = t == null || t.isBlank() ? TokenSpec.parse("card:") : TokenSpec.parse(t);
        if (!spec.isCard()) {
            throw new HsmkitException(ErrorKind.USAGE, "this works on a SmartCard-HSM over PC/SC, not on the token '" + spec + "'",
                    "select the SmartCard-HSM with -t card: (or -t card:PART-OF-THE-READER-NAME)");
        }
        if (token == null) {
            token = spec.open(tokenOptions());
        }
        return cardOf(token, "this");
    }

    /**
     * The token as a SmartCard-HSM, for commands only that device supports.
     *
     * @param what names the operation in the error
     * @throws HsmkitException KEY when the token is another kind
     */
    static SmartCardHsm cardOf(Token token, String what) {
        if (token instanceof SmartCardHsm card) {
            return card;
        }
        throw HsmkitException.key(what + " needs a SmartCard-HSM (Nitrokey HSM) driven over PC/SC, not " + token,
                "select it with -t card: (through a PKCS#11 module the device cannot do this)");
    }

    /**
     * Every certificate in the files named on the command line (PEM, several per file, DER, or a
     * PKCS#7 bundle); '-' is standard input ({@code curl …/alice.pem | hsmkit encrypt -r - report.pdf}).
     */
    public java.util.List<java.security.cert.X509Certificate> certificates(java.util.List<String> files) {
        java.util.List<java.security.cert.X509Certificate> out = new java.util.ArrayList<>();
        for (String f : files) {
            out.addAll(certificates(f));
        }
        return out;
    }

    /** The certificates in one file named on the command line; '-' is standard input. */
    public java.util.List<java.security.cert.X509Certificate> certificates(String file) {
        if (file.equals("-")) {
            claimStdin("a certificate file");
            return org.hsmkit.core.cms.CertificateFile.read(context.stdin(), "standard input");
        }
        return org.hsmkit.core.cms.CertificateFile.read(context.resolve(file));
    }

    /**
     * The recipients in certificate files named on the command line: of a file holding a chain,
     * the end entity only (its CAs are no recipients), said on standard error.
     */
    public java.util.List<java.security.cert.X509Certificate> recipients(java.util.List<String> files) {
        java.util.List<java.security.cert.X509Certificate> out = new java.util.ArrayList<>();
        for (String f : files) {
            java.util.List<java.security.cert.X509Certificate> all = certificates(f);
            java.util.List<java.security.cert.X509Certificate> recipients = org.hsmkit.core.cms.CertificateFile.endEntities(all);
            if (recipients.size() < all.size()) {
                int left = all.size() - recipients.size();
                info("hsmkit: " + ("-".equals(f) ? "standard input" : f) + ": " + left + " CA certificate" + (left == 1 ? "" : "s")
                        + " of the chain left out; the recipient" + (recipients.size() == 1 ? " is " : "s are ")
                        + String.join(", ", recipients.stream().map(KeyImportCertCommand::subject).toList()));
            }
            out.addAll(recipients);
        }
        return out;
    }

    /** What standard input was taken for in this command, or null. */
    private String stdinUse;

    /**
     * Takes standard input for {@code purpose}. It serves one purpose per command: a second reader
     * would get what the first left, or nothing, and fail far from the cause.
     *
     * @throws HsmkitException USAGE when it was taken already
     */
    public synchronized void claimStdin(String purpose) {
        if (stdinUse != null) {
            throw new HsmkitException(ErrorKind.USAGE, "standard input ('-') is " + stdinUse + " already; it cannot also be " + purpose,
                    "save one of them to a file and name the file");
        }
        stdinUse = purpose;
    }

    /** Prints a progress or status line on stderr unless -q. */
    public void info(String line) {
        if (!quiet()) {
            PrintableLines.println(context.stderr(), line);
        }
    }

    /** Prints a warning on stderr (also with -q). */
    public void warn(String line) {
        PrintableLines.println(context.stderr(), "hsmkit: warning: " + line);
    }

    @Override
    public void close() {
        if (token != null) {
            try {
                token.close();
            } finally {
                token = null;
            }
        }
    }
}
