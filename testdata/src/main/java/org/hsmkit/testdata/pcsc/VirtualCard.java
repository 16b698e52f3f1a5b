package org.hsmkit.testdata.pcsc;

/**
 * The card side of a virtual reader: what a card answers to the reader driver. Implementations
 * are called from one thread per reader, one message at a time.
 *
 * <p>{@link #transmit} may return {@code null} to act as a card pulled out of the reader in the
 * middle of a command: the connection closes without an answer and the reader is empty
 * afterwards, as after {@link PcscTestService#remove}.
 */
public interface VirtualCard {
    /** The answer to reset the reader reports for this card. */
    byte[] atr();

    /** Answers one command APDU with response data and status word (at most 65535 bytes). */
    byte[] transmit(byte[] commandApdu);

    /** The reader powered the card on. */
    default void powerOn() {
    }

    /** The reader powered the card off. */
    default void powerOff() {
    }

    /** The reader reset the card (warm reset). */
    default void reset() {
    }
}
