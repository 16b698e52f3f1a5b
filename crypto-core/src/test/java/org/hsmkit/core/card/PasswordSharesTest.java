package org.hsmkit.core.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PasswordSharesTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void anyTwoOfThreePartsGiveThePasswordBackAndOneDoesNot() {
        byte[] password = PasswordShares.newPassword(random);
        PasswordShares.Split split = PasswordShares.split(password, 2, 3, random);
        List<PasswordShares.Part> p = split.parts();
        assertEquals(3, p.size());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (i != j) {
                    assertArrayEquals(password, PasswordShares.combine(split.prime(), List.of(p.get(i), p.get(j))), i + "," + j);
                }
            }
        }
        for (PasswordShares.Part one : p) {
            assertFalse(Arrays.equals(password, PasswordShares.combine(split.prime(), List.of(one))));
        }
    }

    @ParameterizedTest
    @CsvSource({"2,2", "3,5", "5,5", "2,255"})
    void everyThresholdSizedSubsetWorks(int threshold, int holders) {
        byte[] password = PasswordShares.newPassword(random);
        PasswordShares.Split split = PasswordShares.split(password, threshold, holders, random);
        List<PasswordShares.Part> last = split.parts().subList(holders - threshold, holders);
        assertArrayEquals(password, PasswordShares.combine(split.prime(), last));
        assertArrayEquals(password, PasswordShares.combine(split.prime(), split.parts().subList(0, threshold)));
    }

    @ParameterizedTest
    @CsvSource({"1,3", "4,3", "2,256", "0,0"})
    void countsThatMakeNoSenseAreAUsageError(int threshold, int holders) {
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> PasswordShares.split(PasswordShares.newPassword(random), threshold, holders, random));
        assertEquals(ErrorKind.USAGE, e.kind());
    }

    @Test
    void newPasswordsAreEightBytesBelowTwoToThe63WithANonZeroFirstByte() {
        for (int i = 0; i < 2000; i++) {
            byte[] p = PasswordShares.newPassword(random);
            assertEquals(8, p.length);
            assertTrue(p[0] > 0, "first byte " + p[0]);
        }
    }

    @Test
    void hexIsPrintedAndReadAsScHsmToolDoes() {
        BigInteger n = new BigInteger("00ab0c", 16);
        assertEquals("ab:0c", PasswordShares.hex(n));
        assertEquals(n, PasswordShares.parseHex("AB:0C", "prime"));
        assertEquals(n, PasswordShares.parseHex(" ab 0c ", "prime"));
        assertEquals(n, PasswordShares.parseHex("ab0c", "prime"));
        assertThrows(HsmkitException.class, () -> PasswordShares.parseHex("xy", "prime"));
        assertThrows(HsmkitException.class, () -> PasswordShares.parseHex("", "prime"));
        assertEquals(3, PasswordShares.parseId(" 3 "));
        assertThrows(HsmkitException.class, () -> PasswordShares.parseId("0"));
        assertThrows(HsmkitException.class, () -> PasswordShares.parseId("256"));
        assertThrows(HsmkitException.class, () -> PasswordShares.parseId("a"));
    }

    @Test
    void aRepeatedPartOrAValueAboveThePrimeIsRefused() {
        PasswordShares.Split split = PasswordShares.split(PasswordShares.newPassword(random), 2, 3, random);
        PasswordShares.Part a = split.parts().get(0);
        assertThrows(HsmkitException.class, () -> PasswordShares.combine(split.prime(), List.of(a, a)));
        PasswordShares.Part big = new PasswordShares.Part(2, split.prime());
        assertThrows(HsmkitException.class, () -> PasswordShares.combine(split.prime(), List.of(a, big)));
        assertThrows(HsmkitException.class, () -> PasswordShares.combine(BigInteger.valueOf(91), List.of(a)));
    }
}
