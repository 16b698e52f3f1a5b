package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.card.PasswordShares;

/**
 * The n-of-m password parts a user types to open a DKEK share file ({@code --password-parts}): the
 * prime on the first line, then one "NUMBER VALUE" line per part, read and combined as the CLI does.
 * Only INPUT escapes; a combined password is shorter than the prime.
 */
class CardPasswordSharesFuzzTest {

    @FuzzTest
    void combine(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        byte[] password = Contract.call("combine", Contract.budget(input.length, 1024), Contract.inputKinds(), () -> {
            List<String> lines = text.lines().toList();
            BigInteger prime = PasswordShares.parseHex(lines.isEmpty() ? "" : lines.get(0), "prime");
            List<PasswordShares.Part> parts = new ArrayList<>();
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.strip().split("\\s+", 2);
                parts.add(new PasswordShares.Part(PasswordShares.parseId(f[0]), PasswordShares.parseHex(f.length > 1 ? f[1] : "", "part")));
            }
            return PasswordShares.combine(prime, parts);
        });
        if (password != null) {
            BigInteger prime = PasswordShares.parseHex(text.lines().findFirst().orElseThrow(), "prime");
            assertTrue(new BigInteger(1, password).compareTo(prime) < 0, "a password not below the prime");
        }
    }
}
