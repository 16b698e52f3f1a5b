package org.hsmkit.testdata.pcsc;

import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CardTerminals;
import javax.smartcardio.TerminalFactory;

import jnasmartcardio.Smartcardio;

/**
 * Asks pcscd, as any PC/SC client would, whether a reader holds a card. The driver notices an
 * inserted or pulled card only at its next poll (about every 400 ms), so the service waits for
 * pcscd's own view before it returns: a client that runs next sees the new state.
 */
final class ReaderStates {
    private ReaderStates() {
    }

    /** Waits until pcscd reports {@code reader} with ({@code present}) or without a card. */
    static void await(String reader, boolean present, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "no answer";
        while (System.currentTimeMillis() < deadline) {
            CardTerminals terminals = null;
            try {
                terminals = TerminalFactory.getInstance("PC/SC", null, new Smartcardio()).terminals();
                CardTerminal t = terminals.getTerminal(reader);
                while (System.currentTimeMillis() < deadline) {
                    if (t.isCardPresent() == present) {
                        return;
                    }
                    PcscDaemon.sleep(10);
                }
            } catch (CardException | java.security.NoSuchAlgorithmException | RuntimeException e) {
                // pcscd is starting or restarting: ask again with a new context
                last = e.toString();
                PcscDaemon.sleep(20);
            } finally {
                close(terminals);
            }
        }
        throw new IllegalStateException("pcscd did not report " + (present ? "a card in " : "an empty ") + reader
                + " within " + timeoutMs + " ms (" + last + ")");
    }

    private static void close(CardTerminals terminals) {
        if (terminals instanceof Smartcardio.JnaCardTerminals jna) {
            try {
                jna.close();
            } catch (CardException | RuntimeException ignored) {
                // the context died with its daemon
            }
        }
    }
}
