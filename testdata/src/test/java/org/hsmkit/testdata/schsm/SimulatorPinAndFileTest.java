package org.hsmkit.testdata.schsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The simulator's answers to selection, PIN, initialisation, DKEK and file commands, APDU by APDU. */
class SimulatorPinAndFileTest {
    private final CardSession s = new CardSession(new SmartCardHsmSimulator());

    @Test
    void theAtrIsTheNitrokeyHsm2s() {
        assertEquals("3BDE18FF8191FE1FC38031815448534D317380214081071C", CardSession.HEX.formatHex(s.card.atr()));
    }

    @Test
    void selectAnswersWithAnFcpCarryingTheVersion() {
        s.send("00A40400 0B E82B0601040181C31F0201").expect(0x9000);
        for (String p2 : new String[] {"00", "04"}) {
            String fcp = s.send("00A404" + p2 + " 0B E82B0601040181C31F0201 00").expect(0x9000).hex();
            assertTrue(fcp.startsWith("62"), fcp);
            assertTrue(fcp.endsWith("850500010003" + "05"), fcp);
        }
        assertEquals(0, s.send("00A4040C 0B E82B0601040181C31F0201").expect(0x9000).data().length);
        s.send("00A40400 06 A00000000001 00").expect(0x6A82);
    }

    @Test
    void beforeTheAppletIsSelectedCommandsAreUnknown() {
        s.send("00200081").expect(0x6D00);
        s.send("80580000 00").expect(0x6D00);
        s.send("10A40400 0B E82B0601040181C31F0201 00").expect(0x6E00);
    }

    @Test
    void thePinStatusSpendsNoTryAndAWrongPinSpendsOne() {
        s.selectApplet();
        s.send("00200081").expect(0x63C3);
        s.send("00200081").expect(0x63C3);
        s.verify("000000").expect(0x63C2);
        s.send("00200081").expect(0x63C2);
        s.verify(SmartCardHsmSimulator.DEFAULT_USER_PIN).expect(0x9000);
        s.send("00200081").expect(0x9000);
        s.selectApplet(); // selecting the applet again logs out
        s.send("00200081").expect(0x63C3);
        s.send("00200085").expect(0x6A88);
        s.send("00200086").expect(0x6A88);
    }

    @Test
    void threeWrongPinsBlockItAndTheSoPinResetsTheCounter() {
        s.selectApplet();
        s.verify("111111").expect(0x63C2);
        s.verify("111111").expect(0x63C1);
        s.verify("111111").expect(0x6983);
        s.verify(SmartCardHsmSimulator.DEFAULT_USER_PIN).expect(0x6983);
        s.send("00200081").expect(0x6983);
        s.send("002C0181 08 0000000000000000").expect(0x63CE);
        s.send("002C0181 08 " + SmartCardHsmSimulator.DEFAULT_SO_PIN).expect(0x9000);
        s.send("00200081").expect(0x63C3);
        s.send("00200088").expect(0x63CF);
        // P1 00: SO-PIN and a new PIN
        s.send("002C0081 0E " + SmartCardHsmSimulator.DEFAULT_SO_PIN + "313233343536").expect(0x9000);
        s.verify("123456").expect(0x9000);
    }

    @Test
    void changeReferenceDataTakesTheOldPinByItsLength() {
        s.selectApplet();
        String old = HexFormat.of().formatHex(SmartCardHsmSimulator.DEFAULT_USER_PIN.getBytes());
        s.send("00240081 0E 313131313131 3132333435363738").expect(0x63C2);
        s.send("00240081 0E " + old + "3132333435363738").expect(0x9000);
        s.verify("12345678").expect(0x9000);
        s.send("00240081 0A 3132333435363738 3132").expect(0x6A80); // a 2-character PIN
    }

    @Test
    void initializeDeviceWipesTheCardAndNeedsTheCurrentSoPin() {
        s.selectApplet();
        s.verify(SmartCardHsmSimulator.DEFAULT_USER_PIN).expect(0x9000);
        s.send(CardSession.extended(0x00, 0x46, 0x01, 0x00, SimulatorKeyTest.ecRequest(EcCurves.SECP256R1), true)).expect(0x9000);
        s.send("00D7CD01 0A 5402 0000 5304 01020304").expect(0x9000);
        assertEquals(1, s.card.keyReferences().size());
        String init = "8002 0001 8106 313233343536 8208 %s 9101 05 9201 02";
        s.send(apdu("80500000", init.formatted("0000000000000000"))).expect(0x63CE);
        s.send(apdu("80500000", init.formatted(SmartCardHsmSimulator.DEFAULT_SO_PIN))).expect(0x9000);
        assertTrue(s.card.keyReferences().isEmpty());
        assertEquals(java.util.Set.of(0x2F02), s.card.fileIds());
        s.send("00200081").expect(0x63C5);
        s.verify("123456").expect(0x9000);
        assertEquals("0202", s.send("80520000 00").expect(0x9000).hex().substring(0, 4));
    }

    @Test
    void anUninitialisedCardReportsItsPinAsNotUsableUntilInitialized() {
        CardSession fresh = new CardSession(SmartCardHsmSimulator.builder().uninitialized().build());
        fresh.selectApplet();
        fresh.send("00200081").expect(0x6984);
        fresh.verify("648219").expect(0x6984);
        fresh.send(apdu("80500000", "8002 0001 8106 313233343536 8208 " + SmartCardHsmSimulator.DEFAULT_SO_PIN))
                .expect(0x9000);
        fresh.send("00200081").expect(0x63C3);
        // initialised without a number of DKEK shares: no DKEK, as sc-hsm-tool --initialize without --dkek-shares
        fresh.send("80520000 00").expect(0x6D00);
    }

    @Test
    void theDkekIsTheXorOfItsSharesAndTheKeyCheckValueItsHash() throws Exception {
        SmartCardHsmSimulator card = SmartCardHsmSimulator.builder().dkekShares(2).build();
        CardSession c = new CardSession(card);
        c.selectApplet();
        byte[] one = new byte[32];
        byte[] two = new byte[32];
        Arrays.fill(one, (byte) 0x11);
        Arrays.fill(two, (byte) 0x35);
        assertEquals("0202", c.send("80520000 00").expect(0x9000).hex().substring(0, 4));
        assertEquals("0201", c.send(apdu("80520000", HexFormat.of().formatHex(one))).expect(0x9000).hex().substring(0, 4));
        CardSession.Answer done = c.send(apdu("80520000", HexFormat.of().formatHex(two))).expect(0x9000);
        byte[] dkek = new byte[32];
        Arrays.fill(dkek, (byte) (0x11 ^ 0x35));
        byte[] kcv = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(dkek), 8);
        assertEquals("0200" + CardSession.HEX.formatHex(kcv), done.hex());
        assertArrayEquals(kcv, card.dkekKcv());
        c.send(apdu("80520000", HexFormat.of().formatHex(one))).expect(0x6985);
        c.send("80520000 10 00112233445566778899AABBCCDDEEFF").expect(0x6700);
    }

    @Test
    void filesAreWrittenWithThePinAndProtectedDataIsReadWithItOnly() {
        s.selectApplet();
        s.send("00D7CE01 09 5402 0000 5303 AABBCC").expect(0x6982);
        s.verify(SmartCardHsmSimulator.DEFAULT_USER_PIN).expect(0x9000);
        s.send("00D7CE01 09 5402 0000 5303 AABBCC").expect(0x9000);
        s.send("00D70000 09 5402 0003 5303 DDEEFF").expect(0x9000); // current file, appended
        s.send("00D7CD07 08 5402 0000 5302 0102").expect(0x9000);
        s.send("00D72F02 08 5402 0000 5302 0102").expect(0x6982);
        assertEquals("CC00CD07CE01", s.send("80580000 00").expect(0x9000).hex()); // CC00: the device key
        s.selectApplet(); // logged out
        assertEquals("AABBCCDDEEFF", s.send("00B1CE01 04 5402 0000 00").expect(0x6282).hex());
        assertEquals("DDEEFF", s.send("00B1CE01 04 5402 0003 03").expect(0x9000).hex());
        s.send("00B1CE01 04 5402 0006 00").expect(0x6282);
        s.send("00B1CE01 04 5402 0007 00").expect(0x6B00);
        s.send("00B1CD07 04 5402 0000 00").expect(0x6982);
        s.send("00A40000 02 CE01 00").expect(0x9000);
        s.send("00A40000 02 CE02 00").expect(0x6A82);
        s.send("00E40200 02 CE01").expect(0x6982);
        s.verify(SmartCardHsmSimulator.DEFAULT_USER_PIN).expect(0x9000);
        assertEquals("0102", s.send("00B1CD07 04 5402 0000 00").expect(0x6282).hex());
        s.send("00E40200 02 CE01").expect(0x9000);
        s.send("00E40200 02 CE01").expect(0x6A82);
        s.send("00E40200 02 2F02").expect(0x6982);
        s.send("00E40200 02 CC00").expect(0x6982);
        assertFalse(s.card.fileIds().contains(0xCE01));
    }

    @Test
    void theDeviceCertificatesAreReadInOneExtendedReadBinary() {
        s.selectApplet();
        byte[] read = s.send(CardSession.HEX.parseHex("00B12F02000004540200000000")).expect(0x9000).data();
        assertArrayEquals(s.card.deviceChain().efCDevAut(), read);
        assertTrue(read.length > 400 && read.length < 2000, "length " + read.length);
    }

    @Test
    void getChallengeGivesAsManyRandomBytesAsAsked() {
        s.selectApplet();
        byte[] a = s.send("00840000 08").expect(0x9000).data();
        byte[] b = s.send("00840000 08").expect(0x9000).data();
        assertEquals(8, a.length);
        assertFalse(Arrays.equals(a, b));
        assertEquals(256, s.send("00840000 00").expect(0x9000).data().length);
    }

    @Test
    void aPulledCardLeavesTheNthCommandUnansweredAndCountsEveryCommand() {
        s.selectApplet();
        int before = s.card.apduCount();
        s.card.pullAtApdu(2);
        assertNotNull(s.card.transmit(CardSession.HEX.parseHex("00200081")));
        assertNull(s.card.transmit(CardSession.HEX.parseHex("00200081")));
        assertNotNull(s.card.transmit(CardSession.HEX.parseHex("00200081")));
        assertEquals(before + 3, s.card.apduCount());
        assertTrue(s.card.log().get(s.card.log().size() - 2).endsWith("card pulled"), s.card.log().toString());
    }

    static String apdu(String header, String dataHex) {
        String data = dataHex.replace(" ", "");
        return header + String.format("%02X", data.length() / 2) + data;
    }
}
