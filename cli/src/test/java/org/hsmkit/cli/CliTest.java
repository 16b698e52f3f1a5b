package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.testdata.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;

/** The CLI's conventions, for every command: help, version, completion, exit codes, error lines. */
class CliTest {

    @TempDir
    Path tmp;

    /** Every command path, e.g. ["key", "csr"], walked from the same factory main uses. */
    static Stream<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(HsmkitCli.create(CliContext.system()), new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> out) {
        out.add(List.copyOf(prefix));
        for (var e : cl.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(prefix);
            p.add(e.getKey());
            collect(e.getValue(), p, out);
        }
    }

    @ParameterizedTest
    @MethodSource("commandPaths")
    void everyCommandHasHelpOnStdoutWithTheExitCodeTable(List<String> path) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        CliRun.Result r = CliRun.in(tmp).run(args.toArray(String[]::new)).assertOk();
        assertTrue(r.stdout().startsWith("Usage: hsmkit"), r.stdout());
        assertTrue(r.stdout().contains("Exit codes:"), r.stdout());
        assertTrue(r.stdout().matches("(?s).*\\n  3 +key, token or PIN problem\\n.*"), r.stdout());
        assertTrue(r.stdout().matches("(?s).*\\n  130 +interrupted by Ctrl-C.*"), r.stdout());
        assertEquals("", r.stderr());
    }

    @Test
    void keyCeremonyCommandsAreAllThere() {
        CommandLine cl = HsmkitCli.create(CliContext.system());
        assertEquals(List.of("list", "info", "change-pin", "unblock-pin", "change-so-pin"), List.copyOf(cl.getSubcommands().get("token").getSubcommands().keySet()));
        assertEquals(List.of("list", "generate", "csr", "self-cert", "import-cert", "import", "export", "delete",
                        "info", "backup", "restore", "verify-attestation"),
                List.copyOf(cl.getSubcommands().get("key").getSubcommands().keySet()));
        assertTrue(cl.getSubcommands().containsKey("random"));
    }

    @Test
    void oneInvocationBuildsOnlyTheCommandItNamesAndHelpStillListsThemAll() {
        assertEquals(List.of("encrypt"),
                List.copyOf(HsmkitCli.createFor(CliContext.system(), "-t", "soft", "encrypt", "-r", "a.pem", "f").getSubcommands().keySet()));
        assertEquals(HsmkitCommand.SUBCOMMANDS.size(), HsmkitCli.createFor(CliContext.system(), "--help").getSubcommands().size());
        assertEquals(HsmkitCommand.SUBCOMMANDS.size(), HsmkitCli.createFor(CliContext.system(), "encrpyt").getSubcommands().size());
        assertEquals(0, HsmkitCli.createFor(CliContext.system(), "--version").getSubcommands().size());
        assertEquals(0, HsmkitCli.createFor(CliContext.system(), "-q", "-V").getSubcommands().size());
        assertEquals(HsmkitCommand.SUBCOMMANDS.size(), HsmkitCli.createFor(CliContext.system(), "--version", "--help").getSubcommands().size());
        String help = CliRun.in(tmp).run("--help").assertOk().stdout();
        for (String name : List.of("token", "key", "random", "encrypt", "decrypt", "inspect", "sign", "verify", "pdf", "smime", "demo")) {
            assertTrue(help.contains("\n  " + name + " "), name + " missing from: " + help);
        }
    }

    @Test
    void exitCodesAreTheErrorKindsCodes() {
        assertEquals(ErrorKind.VERIFICATION_FAILED.exitCode(), ExitCode.VERIFICATION_FAILED);
        assertEquals(ErrorKind.USAGE.exitCode(), ExitCode.USAGE);
        assertEquals(ErrorKind.KEY.exitCode(), ExitCode.KEY);
        assertEquals(ErrorKind.INPUT.exitCode(), ExitCode.INPUT);
        assertEquals(ErrorKind.IO.exitCode(), ExitCode.IO);
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "130"), List.copyOf(ExitCode.descriptions().keySet()));
    }

    @Test
    void versionNamesTheProgramAndJava() {
        CliRun.Result r = CliRun.in(tmp).run("--version").assertOk();
        assertTrue(r.stdout().startsWith("hsmkit "), r.stdout());
        assertTrue(r.stdout().contains("Java 17") || r.stdout().contains("Java "), r.stdout());
        assertEquals("", r.stderr());
        assertEquals(r.stdout(), CliRun.in(tmp).run("-V").assertOk().stdout());
        assertTrue(CliRun.in(tmp).run("--version", "--help").assertOk().stdout().contains("\n  encrypt "),
                "--help with --version still lists the commands");
    }

    @Test
    void generateCompletionPrintsABashScriptThatKnowsTheKeyCommands() {
        CliRun.Result r = CliRun.in(tmp).run("generate-completion").assertOk();
        assertTrue(r.stdout().contains("complete -F"), "not a completion script");
        assertTrue(r.stdout().contains("import-cert"));
        assertTrue(r.stdout().contains("ec:brainpoolP256r1"), "key types are completion candidates");
        assertTrue(r.stdout().contains("(\"pem\" \"der\" \"ssh\" \"cert\")"), "export formats complete in lower case");
        assertTrue(r.stdout().contains("(\"hex\" \"base64\" \"raw\")"), "random formats complete in lower case");
    }

    @Test
    void aCommandGroupWithoutSubcommandIsAUsageError() {
        CliRun.Result r = CliRun.in(tmp).run("key").assertExit(ExitCode.USAGE);
        assertTrue(r.errorLine().contains("Missing required subcommand"), r.stderr());
        assertEquals("hsmkit: hint: add one of: list, generate, csr, self-cert, import-cert, import, export, delete, info, backup, restore, verify-attestation (see 'hsmkit key --help')", r.hintLine());
        assertEquals("", r.stdout());
    }

    @Test
    void unknownOptionIsAUsageErrorWithAHint() {
        CliRun.Result r = CliRun.in(tmp).run("random", "--bytez", "3").assertExit(ExitCode.USAGE);
        assertTrue(r.errorLine().startsWith("hsmkit: error: Unknown option") && r.errorLine().contains("'--bytez'"), r.stderr());
        assertEquals("hsmkit: hint: did you mean --bytes? see 'hsmkit random --help'", r.hintLine());
    }

    /** 'hsmkit --so-pin-env SO card init', as gpg and openssl take options: the hint moves the option. */
    @Test
    void aCommandsOptionBeforeTheCommandsNameIsAUsageErrorThatSaysWhereItGoes() {
        CliRun.Result r = CliRun.in(tmp).run("--so-pin-env", "SO", "token", "unblock-pin").assertExit(ExitCode.USAGE);
        assertEquals("hsmkit: error: Unknown options: '--so-pin-env', 'SO'", r.errorLine());
        assertEquals("hsmkit: hint: --so-pin-env is an option of 'hsmkit token unblock-pin': put it after 'unblock-pin'"
                + " (hsmkit token unblock-pin --so-pin-env …)", r.hintLine());
        // reported before the command's own missing --key, which would send the user to the wrong help
        CliRun.Result key = CliRun.in(tmp).run("--key=mail", "key", "info").assertExit(ExitCode.USAGE);
        assertEquals("hsmkit: error: Unknown option: '--key=mail'", key.errorLine());
        assertEquals("hsmkit: hint: --key is an option of 'hsmkit key info': put it after 'info' (hsmkit key info --key …)",
                key.hintLine());
        // an option no later command has is only unknown
        assertEquals("hsmkit: hint: see 'hsmkit --help'", CliRun.in(tmp).run("--bogus", "key", "list").assertExit(ExitCode.USAGE).hintLine());
        assertTrue(r.stdout().isEmpty() && key.stdout().isEmpty());
    }

    /** A missing option with a fixed set of values names them. */
    @Test
    void aMissingOptionWithFewValuesIsAUsageErrorListingThem() {
        CliRun.Result r = CliRun.in(tmp).run("ca", "issue", "alice.csr").assertExit(ExitCode.USAGE);
        assertEquals("hsmkit: error: Missing required option: '--profile=PROFILE'", r.errorLine());
        assertEquals("hsmkit: hint: add --profile PROFILE, one of: smime, tls-client, tls-server, code-signing, ocsp-signer,"
                + " sub-ca (see 'hsmkit ca issue --help')", r.hintLine());
        assertTrue(CliRun.in(tmp).run("key", "generate", "--label", "k").assertExit(ExitCode.USAGE).hintLine()
                .startsWith("hsmkit: hint: add --type TYPE, one of: rsa:2048, rsa:3072,"));
        // a free-form option has no list to give
        assertEquals("hsmkit: hint: see 'hsmkit random --help'", CliRun.in(tmp).run("random").assertExit(ExitCode.USAGE).hintLine());
    }

    /** 'hsmkit key info mail': every command takes the key as --key, and says so when given it bare. */
    @Test
    void aKeyGivenWithoutItsOptionIsAUsageErrorThatShowsTheOption() {
        CliRun.Result r = CliRun.in(tmp).run("key", "info", "mail").assertExit(ExitCode.USAGE);
        assertEquals("hsmkit: error: Unmatched argument at index 2: 'mail'", r.errorLine());
        assertEquals("hsmkit: hint: name the key with --key mail (see 'hsmkit key info --help')", r.hintLine());
        CliRun.Result spaced = CliRun.in(tmp).run("key", "delete", "my key").assertExit(ExitCode.USAGE);
        assertEquals("hsmkit: hint: name the key with --key 'my key' (see 'hsmkit key delete --help')", spaced.hintLine());
        CliRun.Result json = CliRun.in(tmp).run("--json", "key", "csr", "signer").assertExit(ExitCode.USAGE);
        assertTrue(json.stdout().contains("\"hint\" : \"name the key with --key signer (see 'hsmkit key csr --help')\""), json.stdout());
        // a word beside --key, or for a command without --key, is only a stray word
        assertEquals("hsmkit: hint: see 'hsmkit key info --help'",
                CliRun.in(tmp).run("key", "info", "--key", "mail", "extra").assertExit(ExitCode.USAGE).hintLine());
        assertEquals("hsmkit: hint: see 'hsmkit key list --help'", CliRun.in(tmp).run("key", "list", "mail").assertExit(ExitCode.USAGE).hintLine());
    }

    /** An Error out of a command is reported like any failure; a stack overflow is deep input, not a bug to report first. */
    @Test
    void aStackOverflowIsAnInputErrorWithTheUsualForm() {
        ErrorReporter.Failure f = ErrorReporter.describe(new StackOverflowError());
        assertEquals(ExitCode.INPUT, f.code());
        assertEquals("the input nests deeper than hsmkit can follow (stack overflow)", f.message());
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        CliContext ctx = new CliContext(new java.io.ByteArrayInputStream(new byte[0]), new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), java.util.Map.of(), tmp);
        assertEquals(ExitCode.INPUT, new ErrorReporter(ctx).reportUncaught(new StackOverflowError(), new String[] {"pdf", "sign"}));
        assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).startsWith("hsmkit: error: the input nests deeper"), err.toString());
    }

    @Test
    void badKeyTypeListsTheTypes() {
        CliRun.Result r = CliRun.in(tmp).run("key", "generate", "--type", "rsa:1024", "--label", "x")
                .assertExit(ExitCode.USAGE);
        assertTrue(r.errorLine().contains("unknown key type 'rsa:1024'"), r.stderr());
        assertTrue(r.errorLine().contains("ec:P-256"), r.stderr());
    }

    @Test
    void badKeyIdSaysWhatAnIdLooksLike() {
        CliRun.Result r = CliRun.in(tmp).run("key", "generate", "--type", "ec:P-256", "--label", "x", "--id", "0g")
                .assertExit(ExitCode.USAGE);
        assertTrue(r.errorLine().contains("'0g' is not a key id"), r.stderr());
    }

    @Test
    void badTokenSelectorIsAUsageErrorNamingTheForms() {
        CliRun.Result r = CliRun.in(tmp).run("-t", "pkcs12:foo", "key", "list").assertExit(ExitCode.USAGE);
        assertEquals("hsmkit: error: unknown token 'pkcs12:foo'", r.errorLine());
        assertTrue(r.hintLine().contains("pkcs11:token="), r.stderr());
        assertFalse(r.stderr().contains("\tat "), "no stack trace without --stacktrace");
    }

    @Test
    void stacktraceOnlyWhenAsked() {
        CliRun.Result r = CliRun.in(tmp).run("--stacktrace", "-t", "pkcs12:foo", "key", "list").assertExit(ExitCode.USAGE);
        assertTrue(r.stderr().contains("\tat org.hsmkit"), r.stderr());
    }

    @Test
    void verboseAddsTheCausesWithoutAStackTrace() throws Exception {
        Files.write(tmp.resolve("junk.p12"), new byte[] {1, 2, 3});
        CliRun cli = CliRun.in(tmp).withEnv("P", "x");
        String[] args = {"-t", "soft:" + tmp.resolve("t.p12"), "key", "import", "junk.p12", "--label", "x", "--p12-pass-env", "P"};
        CliRun.Result plain = cli.run(args).assertExit(ExitCode.INPUT);
        assertTrue(plain.errorLine().contains("junk.p12 is not a readable PKCS#12 file"), plain.stderr());
        assertFalse(plain.stderr().contains("hsmkit: cause:"), plain.stderr());
        String[] verbose = new String[args.length + 1];
        verbose[0] = "-v";
        System.arraycopy(args, 0, verbose, 1, args.length);
        CliRun.Result detailed = cli.run(verbose).assertExit(ExitCode.INPUT);
        assertTrue(detailed.stderr().contains("hsmkit: cause: "), detailed.stderr());
        assertFalse(detailed.stderr().contains("\tat "), detailed.stderr());
    }

    @Test
    void pinFileAndPinEnvExcludeEachOther() {
        CliRun.Result r = CliRun.in(tmp).run("-t", "soft:" + tmp.resolve("t.p12"), "--pin-file", "p", "--pin-env", "P",
                "key", "list").assertExit(ExitCode.USAGE);
        assertTrue(r.errorLine().contains("exclude each other"), r.stderr());
    }

    /** The real entry point in its own process: exit status, and data and errors on their own streams. */
    @Test
    void mainExitsWithTheDocumentedCodesInARealProcess() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString(); // the JVM running the tests
        String cp = System.getProperty("java.class.path");
        ExternalTool.Result ok = ExternalTool.run(tmp, null, Map.of(), List.of(java, "-cp", cp, Main.class.getName(),
                "-t", "soft:" + tmp.resolve("t.p12"), "random", "--bytes", "4"));
        assertEquals(0, ok.exitCode(), ok.stderr());
        assertTrue(ok.stdoutText().matches("[0-9a-f]{8}\n"), ok.stdoutText());
        assertTrue(ok.stderr().startsWith("hsmkit: 4 random bytes"), ok.stderr());

        ExternalTool.Result bad = ExternalTool.run(tmp, null, Map.of(), List.of(java, "-cp", cp, Main.class.getName(),
                "-t", "nonsense", "key", "list"));
        assertEquals(ExitCode.USAGE, bad.exitCode());
        assertEquals("", bad.stdoutText());
        assertTrue(bad.stderr().startsWith("hsmkit: error: unknown token 'nonsense'\nhsmkit: hint: "), bad.stderr());
    }

    @Test
    void keyIdsAcceptHexColonsAndUriEscapes() {
        assertEquals("01", KeyId.parse("01").toString());
        assertEquals("a1b2", KeyId.parse("0xA1B2").toString());
        assertEquals("a1b2", KeyId.parse("a1:b2").toString());
        assertEquals("a1b2", KeyId.parse("%a1%B2").toString());
        assertEquals("-", KeyId.hex(new byte[0]));
    }
}
