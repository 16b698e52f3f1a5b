package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The closing line's duration reads as "%.2f s" did: hundredths, rounded half up. */
class ElapsedTimeTest {
    @ParameterizedTest(name = "{0} ns -> {1}")
    @CsvSource({
        "0, 0.00 s",
        "-5, 0.00 s",
        "4999999, 0.00 s",
        "5000000, 0.01 s",
        "94999999, 0.09 s",
        "95000000, 0.10 s",
        "999999999, 1.00 s",
        "1234000000, 1.23 s",
        "61005000000, 61.01 s",
    })
    void showsHundredthsOfASecond(long nanos, String shown) {
        assertEquals(shown, ElapsedTime.of(nanos));
    }
}
