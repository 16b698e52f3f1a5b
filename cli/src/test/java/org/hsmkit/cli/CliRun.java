package org.hsmkit.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the hsmkit CLI in-process through {@link HsmkitCli#run} (the same factory as {@code main})
 * and captures what it printed. Immutable: each {@code with…} returns a new runner.
 *
 * <pre>
 * CliRun cli = CliRun.in(tmp).withEnv("PIN", "1234");
 * CliRun.Result r = cli.run("-t", "soft:" + tmp.resolve("t.p12"), "--pin-env", "PIN", "key", "list");
 * r.assertExit(0);
 * assertTrue(r.stdout().contains("mail"));
 * </pre>
 */
public final class CliRun {
    private final Path workingDirectory;
    private final Map<String, String> env;
    private final byte[] stdin;
    private final List<String> terminalAnswers;

    private CliRun(Path workingDirectory, Map<String, String> env, byte[] stdin, List<String> terminalAnswers) {
        this.workingDirectory = workingDirectory;
        this.env = Map.copyOf(env);
        this.stdin = stdin;
        this.terminalAnswers = terminalAnswers;
    }

    /** A runner with the given working directory, an empty environment, empty stdin, no terminal. */
    public static CliRun in(Path workingDirectory) {
        return new CliRun(workingDirectory, Map.of(), new byte[0], null);
    }

    /** Adds an environment variable as the CLI sees it (the JVM's own environment is not used). */
    public CliRun withEnv(String name, String value) {
        Map<String, String> e = new HashMap<>(env);
        e.put(name, value);
        return new CliRun(workingDirectory, e, stdin, terminalAnswers);
    }

    public CliRun withStdin(byte[] bytes) {
        return new CliRun(workingDirectory, env, bytes.clone(), terminalAnswers);
    }

    /**
     * Runs with a scripted terminal (a stand-in for a person at a keyboard, which tests do not
     * have): each prompt, secret or not, takes the next answer; {@code null} after the last one.
     * Standard output counts as a terminal.
     */
    public CliRun withTerminal(String... answers) {
        return new CliRun(workingDirectory, env, stdin, List.of(answers));
    }

    /** What one invocation printed and returned. */
    public record Result(int exitCode, byte[] stdoutBytes, String stderr, List<String> prompts) {
        public String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        /** Fails with both streams shown unless the exit code is {@code expected}. */
        public Result assertExit(int expected) {
            if (exitCode != expected) {
                throw new AssertionError("expected exit code " + expected + " but was " + exitCode
                        + "\n--- stderr ---\n" + stderr + "--- stdout ---\n" + stdout());
            }
            return this;
        }

        public Result assertOk() {
            return assertExit(0);
        }

        /** The {@code hsmkit: error:} line, or fails when there is none. */
        public String errorLine() {
            return stderr.lines().filter(l -> l.startsWith("hsmkit: error: ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no 'hsmkit: error:' line in:\n" + stderr));
        }

        /** The {@code hsmkit: hint:} line, or fails when there is none. */
        public String hintLine() {
            return stderr.lines().filter(l -> l.startsWith("hsmkit: hint: ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no 'hsmkit: hint:' line in:\n" + stderr));
        }
    }

    public Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> prompts = new java.util.ArrayList<>();
        Terminal terminal = terminalAnswers == null ? Terminal.none() : scripted(terminalAnswers, prompts);
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            CliContext ctx = new CliContext(new ByteArrayInputStream(stdin), o, e, env, workingDirectory, terminal);
            int code = HsmkitCli.run(ctx, args);
            o.flush();
            e.flush();
            return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8), List.copyOf(prompts));
        }
    }

    private static Terminal scripted(List<String> answers, List<String> prompts) {
        Deque<String> left = new ArrayDeque<>(answers);
        return new Terminal() {
            @Override
            public boolean interactive() {
                return true;
            }

            @Override
            public boolean stdoutIsTerminal() {
                return true;
            }

            @Override
            public String readLine(String prompt) {
                prompts.add(prompt);
                return left.poll();
            }

            @Override
            public char[] readSecret(String prompt) {
                prompts.add(prompt);
                String a = left.poll();
                return a == null ? null : a.toCharArray();
            }
        };
    }
}
