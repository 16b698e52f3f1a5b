package org.hsmkit.core.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.HexFormat;
import java.util.OptionalInt;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.Test;

/**
 * DKEK shares and key backup between two simulated devices in the two readers: the same shares
 * give the same key check value (the device's own, compared), a key backed up on one restores on
 * the other and signs there with the original public key, and a device with another DKEK refuses
 * the backup naming both key check values, before anything is sent.
 */
class KeyBackupTest {
    private static final byte[] SHARE_1 = HexFormat.of().parseHex("1111111111111111111111111111111111111111111111111111111111111111");
    private static final byte[] SHARE_2 = HexFormat.of().parseHex("2222222222222222222222222222222222222222222222222222222222222222");

    private static SmartCardHsmSimulator twoShares() {
        return SmartCardHsmSimulator.builder().dkekShares(2).build();
    }

    private static DkekStatus importBoth(SmartCardHsm card) {
        DkekStatus first = card.importDkekShare(DkekShare.of(SHARE_1));
        assertEquals(2, first.shares());
        assertEquals(1, first.outstanding());
        assertFalse(first.complete());
        return card.importDkekShare(DkekShare.of(SHARE_2));
    }

    /**
     * The DKEK is the exclusive or of its shares: a share imported twice cancels itself. The device
     * takes it; hsmkit sees it in the key check value, says so, and backs up nothing under a zero DKEK.
     */
    @Test
    void aShareImportedTwiceIsAKeyErrorAndAZeroDkekBacksUpNothing() {
        try (CardFixture a = new CardFixture(twoShares(), 0); SmartCardHsm card = a.open()) {
            card.importDkekShare(DkekShare.of(SHARE_1));
            HsmkitException twice = assertThrows(HsmkitException.class, () -> card.importDkekShare(DkekShare.of(SHARE_1)));
            assertEquals(ErrorKind.KEY, twice.kind());
            assertTrue(twice.getMessage().contains("is now all zeros: its shares cancel out"), twice.getMessage());
            DkekStatus s = card.dkekStatus();
            assertTrue(s.complete() && s.zero(), "the device took the share: the state is what the message says");
            TokenKey k = card.generateKey(KeyType.EC_P256, "unsafe", HexFormat.of().parseHex("43"));
            HsmkitException backup = assertThrows(HsmkitException.class, () -> card.backup(k));
            assertTrue(backup.getMessage().contains("is all zeros") && backup.getMessage().contains("nothing was backed up"),
                    backup.getMessage());
        }
        // with three shares the two copies cancel and the DKEK is the third share alone
        try (CardFixture b = new CardFixture(SmartCardHsmSimulator.builder().dkekShares(3).build(), 1); SmartCardHsm card = b.open()) {
            card.importDkekShare(DkekShare.of(SHARE_1));
            card.importDkekShare(DkekShare.of(SHARE_1));
            HsmkitException alone = assertThrows(HsmkitException.class, () -> card.importDkekShare(DkekShare.of(SHARE_2)));
            assertTrue(alone.getMessage().contains("is now this one share alone (key check value "
                    + card.dkekStatus().keyCheckValueHex() + ")"), alone.getMessage());
            assertFalse(card.dkekStatus().zero());
        }
        // two different shares are fine, and so is the first share of a device
        try (CardFixture c = new CardFixture(twoShares(), 0); SmartCardHsm card = c.open()) {
            assertFalse(importBoth(card).zero());
        }
    }

    @Test
    void aBackupRestoresOnASecondDeviceWithTheSameSharesAndSignsThere() throws Exception {
        WrappedKey backup;
        byte[] publicKey;
        try (CardFixture a = new CardFixture(twoShares(), 0); SmartCardHsm card = a.open()) {
            DkekStatus s = importBoth(card);
            assertTrue(s.complete());
            assertArrayEquals(a.simulator.dkekKcv(), s.keyCheckValue());
            byte[] xor = new byte[32];
            for (int i = 0; i < 32; i++) {
                xor[i] = (byte) (SHARE_1[i] ^ SHARE_2[i]);
            }
            assertArrayEquals(java.util.Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(xor), 8), s.keyCheckValue(),
                    "the DKEK is the exclusive or of its shares");
            HsmkitException third = assertThrows(HsmkitException.class, () -> card.importDkekShare(DkekShare.of(SHARE_1)));
            assertTrue(third.getMessage().contains("already imported"), third.getMessage());

            TokenKey k = card.generateKey(KeyType.EC_P384, "signer", HexFormat.of().parseHex("42"));
            publicKey = k.publicKey().getEncoded();
            backup = WrappedKey.parse(card.backup(k).encode());
            assertEquals("signer", backup.label());
            assertArrayEquals(HexFormat.of().parseHex("42"), backup.id());
            assertEquals(s.keyCheckValueHex(), backup.keyCheckValueHex());
            assertTrue(backup.certificateFile().isPresent(), "the request made at generation travels with the key");
        }
        try (CardFixture b = new CardFixture(twoShares(), 1); SmartCardHsm card = b.open()) {
            importBoth(card);
            TokenKey restored = card.restore(backup);
            assertEquals("signer", restored.label());
            assertArrayEquals(publicKey, restored.publicKey().getEncoded());
            byte[] digest = MessageDigest.getInstance("SHA-384").digest(CardFixture.utf8("restored"));
            Signature v = Signature.getInstance("SHA384withECDSA");
            v.initVerify(java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.X509EncodedKeySpec(publicKey)));
            v.update(CardFixture.utf8("restored"));
            assertTrue(v.verify(restored.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA384, digest)));
            HsmkitException again = assertThrows(HsmkitException.class, () -> card.restore(backup));
            assertTrue(again.getMessage().contains("already holds a key with id 42"), again.getMessage());
        }
    }

    @Test
    void aDeviceWithAnotherDkekRefusesTheBackupNamingBothKeyCheckValues() {
        WrappedKey backup;
        try (CardFixture a = new CardFixture(twoShares(), 0); SmartCardHsm card = a.open()) {
            importBoth(card);
            backup = card.backup(card.generateKey(KeyType.EC_P256, "k", null));
        }
        SmartCardHsmSimulator other = SmartCardHsmSimulator.builder().dkekShares(1).build();
        try (CardFixture b = new CardFixture(other, 1); SmartCardHsm card = b.open()) {
            DkekStatus s = card.importDkekShare(DkekShare.random(new SecureRandom()));
            int keysBefore = other.keyReferences().size();
            long commands = card.commandCount();
            HsmkitException e = assertThrows(HsmkitException.class, () -> card.restore(backup));
            assertEquals(ErrorKind.KEY, e.kind());
            assertTrue(e.getMessage().contains(backup.keyCheckValueHex()) && e.getMessage().contains(s.keyCheckValueHex()),
                    e.getMessage());
            assertEquals(keysBefore, other.keyReferences().size());
            assertTrue(other.log().stream().noneMatch(l -> l.startsWith("8074")), "no UNWRAP KEY was sent");
            assertTrue(card.commandCount() > commands);
        }
    }

    @Test
    void aDeviceWithoutDkekSaysHowToGetOne() {
        try (CardFixture a = new CardFixture(new SmartCardHsmSimulator(), 0); SmartCardHsm card = a.open()) {
            card.initialize(new CardInitialization(SmartCardHsmSimulator.DEFAULT_SO_PIN.toCharArray(),
                    SmartCardHsmSimulator.DEFAULT_USER_PIN.toCharArray(), 3, OptionalInt.empty(), "no backup"));
            HsmkitException e = assertThrows(HsmkitException.class, card::dkekStatus);
            assertTrue(e.getMessage().contains("without DKEK shares"), e.getMessage());
            assertTrue(e.hint().orElse("").contains("--dkek-shares"));
            assertEquals("no backup", card.cardInfo().label());
        }
    }
}
