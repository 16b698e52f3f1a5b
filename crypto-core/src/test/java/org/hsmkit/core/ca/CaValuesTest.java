package org.hsmkit.core.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Integer;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The small values of a CA: validity periods as written in ca.conf and options, reasons, serial numbers. */
class CaValuesTest {
    private static final Instant START = Instant.parse("2024-01-31T12:00:00Z");

    @ParameterizedTest
    @CsvSource({
        "1y, 2025-01-31T12:00:00Z",
        "10Y, 2034-01-31T12:00:00Z",
        "1m, 2024-02-29T12:00:00Z",      // calendar month: the end of a shorter month
        "90d, 2024-04-30T12:00:00Z",
        "36h, 2024-02-02T00:00:00Z",
        "' 7d ', 2024-02-07T12:00:00Z",
    })
    void periodsAreANumberAndAUnit(String text, String end) {
        assertEquals(Instant.parse(end), Validity.parse(text).after(START));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0d", "d", "1", "1w", "-1y", "1.5y", "1000000y", "1 year"})
    void anythingElseIsAUsageError(String text) {
        HsmkitException e = assertThrows(HsmkitException.class, () -> Validity.parse(text));
        assertEquals(ErrorKind.USAGE, e.kind());
        assertTrue(e.hint().orElseThrow().contains("10y"));
    }

    @Test
    void periodsWriteBackAsRead() {
        assertEquals("90d", Validity.parse("90D").toString());
    }

    @ParameterizedTest
    @CsvSource({"keyCompromise, 1", "key-compromise, 1", "KEYCOMPROMISE, 1", "unspecified, 0", "superseded, 4",
        "cACompromise, 2", "cessationOfOperation, 5", "privilegeWithdrawn, 9", "affiliationChanged, 3"})
    void reasonsAreRfc5280Names(String text, int code) {
        assertEquals(code, RevocationReason.parse(text).code());
        assertEquals(RevocationReason.parse(text), RevocationReason.ofCode(code));
    }

    @ParameterizedTest
    @ValueSource(strings = {"certificateHold", "removeFromCRL", "stolen", ""})
    void holdAndUnknownReasonsAreRefused(String text) {
        assertEquals(ErrorKind.USAGE, assertThrows(HsmkitException.class, () -> RevocationReason.parse(text)).kind());
    }

    @Test
    void serialsArePositiveSixteenBytesAndDoNotRepeat() throws Exception {
        Set<BigInteger> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            BigInteger s = CertificateAuthority.newSerial();
            assertEquals(1, s.signum());
            assertEquals(2 + 16, new ASN1Integer(s).getEncoded().length, "INTEGER of exactly 16 content bytes");
            assertTrue(seen.add(s));
        }
    }

    @Test
    void profilesAreNamedAsOnTheCommandLine() {
        for (Profile p : Profile.values()) {
            assertEquals(p, Profile.parse(p.cliName()));
        }
        assertEquals(Profile.TLS_SERVER, Profile.parse("TLS_Server"));
        assertEquals(ErrorKind.USAGE, assertThrows(HsmkitException.class, () -> Profile.parse("email")).kind());
    }
}
