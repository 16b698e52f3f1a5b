package org.hsmkit.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The user's terminal, when there is one: for prompts (PINs without echo, confirmations) and for
 * not dumping binary bytes onto a screen. Commands never touch {@link System#console()} directly,
 * so tests can run them with a scripted terminal or with none.
 */
public interface Terminal {

    /** Whether the user can be asked something. */
    boolean interactive();

    /** Whether standard output goes to a terminal (binary output there is refused). */
    boolean stdoutIsTerminal();

    /** Whether standard error goes to a terminal (progress bars are drawn only there). */
    default boolean stderrIsTerminal() {
        return false;
    }

    /** Asks a question and returns the answer, or {@code null} at end of input. */
    String readLine(String prompt);

    /** Asks for a secret without echo, or returns {@code null} at end of input. */
    char[] readSecret(String prompt);

    /** No terminal: prompts are refused, output is treated as a pipe. */
    static Terminal none() {
        return new Terminal() {
            @Override
            public boolean interactive() {
                return false;
            }

            @Override
            public boolean stdoutIsTerminal() {
                return false;
            }

            @Override
            public String readLine(String prompt) {
                return null;
            }

            @Override
            public char[] readSecret(String prompt) {
                return null;
            }
        };
    }

    /** The process's console (absent when input or output is redirected). */
    static Terminal system() {
        Console console = System.console();
        return new Terminal() {
            @Override
            public boolean interactive() {
                return console != null;
            }

            @Override
            public boolean stdoutIsTerminal() {
                if (console != null) {
                    return true;
                }
                // With stdin redirected there is no Console, yet stdout may still be a screen.
                try {
                    Path fd1 = Files.readSymbolicLink(Path.of("/proc/self/fd/1"));
                    String s = fd1.toString();
                    return s.startsWith("/dev/pts/") || s.startsWith("/dev/tty");
                } catch (IOException | UnsupportedOperationException | SecurityException e) {
                    return false;
                }
            }

            @Override
            public boolean stderrIsTerminal() {
                String term = System.getenv("TERM");
                if (term == null || term.equals("dumb")) {
                    return false;
                }
                try {
                    String s = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
                    return s.startsWith("/dev/pts/") || s.startsWith("/dev/tty");
                } catch (IOException | UnsupportedOperationException | SecurityException e) {
                    return false;
                }
            }

            @Override
            public String readLine(String prompt) {
                return console == null ? null : console.readLine("%s", prompt);
            }

            @Override
            public char[] readSecret(String prompt) {
                return console == null ? null : console.readPassword("%s", prompt);
            }
        };
    }
}
