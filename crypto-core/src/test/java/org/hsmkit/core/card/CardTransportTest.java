package org.hsmkit.core.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.time.Duration;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.PinSource;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.Test;

/** What the PC/SC layer survives: a pcscd restart in the middle of a session, a card pulled in the middle of a command. */
class CardTransportTest {

    private static byte[] digest() throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3});
    }

    @Test
    void afterPcscdRestartsTheNextOperationConnectsAndLogsInAgain() throws Exception {
        try (CardFixture f = new CardFixture(new SmartCardHsmSimulator()); SmartCardHsm card = f.open()) {
            TokenKey k = card.generateKey(KeyType.EC_P256, "k", null);
            k.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest());
            CardFixture.PCSC.restartDaemon();
            byte[] sig = k.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest());
            assertTrue(sig.length > 60);
            assertEquals(1, card.keys().size());
        }
    }

    @Test
    void aCardPulledInTheMiddleOfACommandIsAKeyErrorAndNothingHangs() throws Exception {
        try (CardFixture f = new CardFixture(new SmartCardHsmSimulator()); SmartCardHsm card = f.open()) {
            int keys = f.simulator.keyReferences().size();
            f.simulator.pullAtApdu(3); // after the PIN and the listing: during the generation
            HsmkitException e = assertTimeoutPreemptively(Duration.ofSeconds(40),
                    () -> assertThrows(HsmkitException.class, () -> card.generateKey(KeyType.EC_P256, "half", null)));
            assertEquals(ErrorKind.KEY, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("removed"), e.getMessage());
            assertTrue(e.hint().orElse("").contains("nothing was written"));
            assertEquals(keys, f.simulator.keyReferences().size());
        }
    }

    @Test
    void aReaderNameThatMatchesNothingListsTheReaders() {
        CardFixture.PCSC.remove(0);
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> SmartCardHsm.open("no such reader", TokenOptions.withPins(PinSource.of("x".toCharArray()))));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().contains(CardFixture.PCSC.readerName(0)) && e.getMessage().contains(CardFixture.PCSC.readerName(1)),
                e.getMessage());
        assertTrue(e.hint().orElse("").contains("card:"));
    }

    @Test
    void anEmptySelectorTakesTheFirstReaderWithASmartCardHsm() {
        CardFixture.PCSC.remove(0);
        try (CardFixture f = new CardFixture(new SmartCardHsmSimulator(), 1);
                SmartCardHsm card = SmartCardHsm.open("", TokenOptions.withPins(PinSource.of("x".toCharArray())))) {
            assertEquals(CardFixture.PCSC.readerName(1), card.cardInfo().reader());
            assertEquals(f.simulator.serial(), card.cardInfo().serial());
        }
    }
}
