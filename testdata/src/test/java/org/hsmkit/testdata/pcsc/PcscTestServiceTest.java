package org.hsmkit.testdata.pcsc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.hsmkit.testdata.ExternalTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The private pcscd with its two virtual readers, seen through OpenSC's opensc-tool. */
class PcscTestServiceTest {
    private static PcscTestService pcsc;

    @BeforeAll
    static void service() {
        ExternalTool.require("opensc-tool", "opensc");
        pcsc = PcscTestService.shared();
    }

    @AfterEach
    void empty() {
        pcsc.remove(0);
        pcsc.remove(1);
    }

    /** A card that answers every command with a fixed response and records what it got. */
    static final class RecordingCard implements VirtualCard {
        final List<String> apdus = new CopyOnWriteArrayList<>();
        final byte[] atr;
        final byte[] answer;
        volatile int pullAt = -1;

        RecordingCard(String atrHex, byte[] answer) {
            this.atr = HexFormat.of().parseHex(atrHex);
            this.answer = answer;
        }

        @Override
        public byte[] atr() {
            return atr.clone();
        }

        @Override
        public byte[] transmit(byte[] apdu) {
            apdus.add(HexFormat.of().withUpperCase().formatHex(apdu));
            if (apdus.size() == pullAt) {
                return null;
            }
            return answer.clone();
        }
    }

    private static ExternalTool.Result openscTool(String... args) {
        List<String> cmd = new ArrayList<>(List.of("opensc-tool"));
        cmd.addAll(List.of(args));
        return ExternalTool.run(null, null, pcsc.environment(), cmd);
    }

    @Test
    void bothReadersAreListedAndOnlyTheOneWithACardShowsIt() {
        pcsc.insert(1, new RecordingCard("3B8080010101", new byte[] {(byte) 0x90, 0}));
        String list = openscTool("-l").requireSuccess().stdoutText();
        assertTrue(list.contains(pcsc.readerName(0)), list);
        assertTrue(list.contains(pcsc.readerName(1)), list);
        String[] lines = list.lines().filter(l -> l.contains(PcscDaemon.FRIENDLY_NAME)).toArray(String[]::new);
        assertEquals(2, lines.length, list);
        assertTrue(lines[0].matches("0\\s+No\\s+.*"), lines[0]);
        assertTrue(lines[1].matches("1\\s+Yes\\s+.*"), lines[1]);
    }

    @Test
    void theAtrAndCommandsReachTheCardAndAnswersComeBack() {
        byte[] answer = new byte[258];
        for (int i = 0; i < 256; i++) {
            answer[i] = (byte) i;
        }
        answer[256] = (byte) 0x90;
        RecordingCard card = new RecordingCard("3B8A800145737473696D636172642A", answer);
        pcsc.insert(0, card);
        String atr = openscTool("-r", "0", "-a").requireSuccess().stdoutText();
        assertTrue(atr.replace(":", "").strip().equalsIgnoreCase("3B8A800145737473696D636172642A"), atr);
        String out = openscTool("-r", "0", "-s", "00 B0 00 00 00").requireSuccess().stdoutText();
        assertTrue(card.apdus.contains("00B0000000"), card.apdus.toString());
        assertTrue(out.contains("SW1=0x90, SW2=0x00"), out);
        assertTrue(out.contains("Received (SW1=0x90, SW2=0x00)"), out);
        assertTrue(out.contains("FC FD FE FF"), out);
    }

    @Test
    void aRemovedCardIsGoneForClients() {
        pcsc.insert(0, new RecordingCard("3B8080010101", new byte[] {(byte) 0x90, 0}));
        openscTool("-r", "0", "-a").requireSuccess();
        pcsc.remove(0);
        assertFalse(pcsc.occupied(0));
        ExternalTool.Result r = openscTool("-r", "0", "-a");
        assertNotEquals(0, r.exitCode(), r.stdoutText());
    }

    @Test
    void aCardPulledInTheMiddleOfACommandLeavesTheReaderEmpty() {
        RecordingCard card = new RecordingCard("3B8080010101", new byte[] {(byte) 0x90, 0});
        card.pullAt = 1;
        pcsc.insert(0, card);
        ExternalTool.Result r = openscTool("-r", "0", "-s", "00 84 00 00 08");
        assertNotEquals(0, r.exitCode(), r.stdoutText());
        assertFalse(pcsc.occupied(0));
        assertEquals(1, card.apdus.size());
    }

    @Test
    void afterADaemonRestartTheLinkPointsToTheNewSocketAndTheCardIsBack() throws Exception {
        RecordingCard card = new RecordingCard("3B8080010101", new byte[] {0x12, (byte) 0x90, 0});
        pcsc.insert(1, card);
        long before = pcsc.daemonPid();
        String target = Files.readSymbolicLink(pcsc.clientSocket()).toString();
        pcsc.restartDaemon();
        assertNotEquals(before, pcsc.daemonPid());
        String now = Files.readSymbolicLink(pcsc.clientSocket()).toString();
        assertNotSame(target, now);
        assertTrue(now.contains("/" + pcsc.daemonPid() + "/"), now);
        String out = openscTool("-r", "1", "-s", "00 CA 01 00 00").requireSuccess().stdoutText();
        assertTrue(out.contains("12"), out);
    }
}
