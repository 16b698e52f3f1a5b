package org.hsmkit.core.internal.cms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The boundaries of {@link AlgorithmPolicy}: key sizes, and the time a proof must predate. */
class AlgorithmPolicyTest {
    @ParameterizedTest(name = "RSA-{0}: weak={1}")
    @CsvSource({"1024, true", "2040, true", "2048, false", "3072, false"})
    void rsaKeysUnder2048BitsAreWeak(int bits, boolean weak) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        Optional<AlgorithmPolicy.Weakness> w = AlgorithmPolicy.ofKey(g.generateKeyPair().getPublic());
        assertEquals(weak, w.isPresent());
        w.ifPresent(x -> assertEquals("has a " + bits + "-bit RSA key", x.what()));
    }

    @Test
    void p256IsNotWeak() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        assertTrue(AlgorithmPolicy.ofKey(g.generateKeyPair().getPublic()).isEmpty());
    }

    /** Only a proof of a time before the end counts; no proof (null) never does. */
    @Test
    void aWeaknessIsRefusedUnlessATimeBeforeItsEndIsProven() {
        AlgorithmPolicy.Weakness sha1 = new AlgorithmPolicy.Weakness("uses SHA-1", AlgorithmPolicy.SHORT_KEYS_AND_SHA1_UNTIL, false);
        assertTrue(sha1.refused(null));
        assertTrue(sha1.refused(AlgorithmPolicy.SHORT_KEYS_AND_SHA1_UNTIL));
        assertFalse(sha1.refused(AlgorithmPolicy.SHORT_KEYS_AND_SHA1_UNTIL.minusSeconds(1)));
        assertTrue(sha1.refused(Instant.now()));
        assertEquals("uses SHA-1, not relied on for signatures since 2014 (NIST SP 800-131A)", sha1.explained());
    }
}
