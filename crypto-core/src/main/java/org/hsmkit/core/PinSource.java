package org.hsmkit.core;

import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a PIN or passphrase comes from. Never the command line. Each call returns a fresh
 * {@code char[]} that the caller clears after use.
 */
@FunctionalInterface
public interface PinSource {

    /**
     * Returns the PIN for the described token.
     *
     * @param prompt a human-readable prompt naming the token (no secret in it)
     * @param confirm whether to ask twice (when a new passphrase is being set)
     */
    char[] pin(String prompt, boolean confirm);

    /** Reads the first line of a file; the file should be readable by its owner only. */
    static PinSource fromFile(Path file) {
        return (prompt, confirm) -> {
            try {
                byte[] raw = Files.readAllBytes(file);
                try {
                    int end = raw.length;
                    for (int i = 0; i < raw.length; i++) {
                        if (raw[i] == '\n' || raw[i] == '\r') {
                            end = i;
                            break;
                        }
                    }
                    CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(raw, 0, end));
                    char[] pin = Arrays.copyOf(chars.array(), chars.limit());
                    Arrays.fill(chars.array(), '\0');
                    return pin;
                } finally {
                    Arrays.fill(raw, (byte) 0);
                }
            } catch (IOException e) {
                throw new HsmkitException(ErrorKind.KEY, "cannot read the PIN file " + file + ": " + e.getMessage(),
                        "check that the file exists and is readable", e);
            }
        };
    }

    /** Reads an environment variable of this process. */
    static PinSource fromEnvironment(String variable) {
        return fromEnvironment(variable, System.getenv(), "export " + variable + " with the PIN, or use --pin-file");
    }

    /**
     * Reads a variable from the given environment (a program's own, or a test's); when it is not
     * set, the error carries {@code hintWhenUnset}.
     */
    static PinSource fromEnvironment(String variable, java.util.Map<String, String> environment, String hintWhenUnset) {
        return (prompt, confirm) -> {
            String v = environment.get(variable);
            if (v == null) {
                throw HsmkitException.key("environment variable " + variable + " is not set", hintWhenUnset);
            }
            return v.toCharArray();
        };
    }

    /** Prompts on the console without echo (twice when confirming); fails when there is no console. */
    static PinSource fromConsole() {
        return (prompt, confirm) -> {
            Console console = System.console();
            return prompting(console == null ? null : text -> console.readPassword("%s", text),
                    "pass --pin-file FILE or --pin-env VAR (or set HSMKIT_PIN_FILE)").pin(prompt, confirm);
        };
    }

    /**
     * Asks through {@code readSecret} (a prompt in, the secret without echo out, null when nothing
     * was entered), twice when confirming, and clears a mismatching pair.
     *
     * @param readSecret how to ask, or {@code null} when there is no terminal to ask on
     * @param hintWithoutTerminal the hint of the error when {@code readSecret} is null
     */
    static PinSource prompting(java.util.function.Function<String, char[]> readSecret, String hintWithoutTerminal) {
        return (prompt, confirm) -> {
            if (readSecret == null) {
                throw HsmkitException.key("a secret is needed (" + prompt + ") but there is no terminal to ask on",
                        hintWithoutTerminal);
            }
            char[] first = readSecret.apply(prompt + ": ");
            if (first == null) {
                throw HsmkitException.key("nothing entered for: " + prompt, "run the command again");
            }
            if (confirm) {
                char[] second = readSecret.apply(prompt + " (again): ");
                boolean same = second != null && Arrays.equals(first, second);
                if (second != null) {
                    Arrays.fill(second, '\0');
                }
                if (!same) {
                    Arrays.fill(first, '\0');
                    throw HsmkitException.key("the two entries differ", "run the command again");
                }
            }
            return first;
        };
    }

    /** A fixed PIN, for programs that hold it already. The array is copied; clear yours. */
    static PinSource of(char[] pin) {
        char[] copy = pin.clone();
        return (prompt, confirm) -> copy.clone();
    }
}
