package org.hsmkit.core.internal.card;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CardTerminals;
import javax.smartcardio.TerminalFactory;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

import jnasmartcardio.Smartcardio;

/**
 * One card in one PC/SC reader, through jnasmartcardio (JNA over libpcsclite). Unlike the JDK's
 * own PC/SC provider, each connection here has its own PC/SC context, so a connection made after
 * pcscd restarted works in the same JVM.
 *
 * <p>Commands are raw APDUs (short or extended); answers come back whole (up to 65535 bytes of
 * data and the status word). Every command runs on a watchdog thread: a reader or card that does
 * not answer within the timeout becomes an I/O error instead of a hang.
 *
 * <p>An operation of several commands runs inside {@link #exclusive}, a PC/SC transaction that
 * keeps other programs off the card until it ends. When the transaction cannot begin because the
 * context or the connection died (pcscd restarted, the card was reset by someone else), the
 * transport connects again, tells its {@link Listener} (which selects the applet and forgets the
 * login), and begins again: nothing was sent yet, so nothing is sent twice. A failure while a
 * command is under way is reported, never retried.
 */
public final class PcscTransport implements AutoCloseable {
    /** How long a command may take unless the caller says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_RESPONSE = 65536 + 2;

    // PC/SC return codes (pcsclite.h)
    static final long SCARD_E_INVALID_HANDLE = 0x80100003L;
    static final long SCARD_E_UNKNOWN_READER = 0x80100009L;
    static final long SCARD_E_TIMEOUT = 0x8010000AL;
    static final long SCARD_E_NO_SMARTCARD = 0x8010000CL;
    static final long SCARD_F_COMM_ERROR = 0x80100013L;
    static final long SCARD_E_NOT_TRANSACTED = 0x80100016L;
    static final long SCARD_E_READER_UNAVAILABLE = 0x80100017L;
    static final long SCARD_E_NO_SERVICE = 0x8010001DL;
    static final long SCARD_E_SERVICE_STOPPED = 0x8010001EL;
    static final long SCARD_E_NO_READERS_AVAILABLE = 0x8010002EL;
    static final long SCARD_W_UNRESPONSIVE_CARD = 0x80100066L;
    static final long SCARD_W_UNPOWERED_CARD = 0x80100067L;
    static final long SCARD_W_RESET_CARD = 0x80100068L;
    static final long SCARD_W_REMOVED_CARD = 0x80100069L;

    /** Told about every new connection, so the card is brought back to a known state. */
    public interface Listener {
        /** Called inside the new transaction, before the operation's own commands. */
        void connected(PcscTransport transport);
    }

    private final String readerName;
    private Listener listener = t -> { };
    private CardTerminals terminals;
    private Card card;
    private CardChannel channel;
    private ExecutorService watchdog;
    private int exclusiveDepth;
    private boolean closed;
    private long commands;

    private PcscTransport(String readerName) {
        this.readerName = readerName;
    }

    /** A reader as PC/SC lists it. */
    public record Reader(String name, boolean cardPresent) {
    }

    /**
     * The readers pcscd knows, with card presence.
     *
     * @throws HsmkitException KEY when pcscd cannot be reached
     */
    public static List<Reader> readers() {
        CardTerminals t = terminals();
        try {
            List<Reader> all = new ArrayList<>();
            for (CardTerminal terminal : t.list()) {
                boolean present;
                try {
                    present = terminal.isCardPresent();
                } catch (CardException e) {
                    present = false;
                }
                all.add(new Reader(terminal.getName(), present));
            }
            return all;
        } catch (CardException e) {
            if (code(e) == SCARD_E_NO_READERS_AVAILABLE) {
                return List.of();
            }
            throw listingFailure(e);
        } finally {
            closeQuietly(t);
        }
    }

    /**
     * Connects to the card in the reader called {@code readerName} (shared mode: other programs
     * may use it between this program's transactions).
     *
     * @throws HsmkitException KEY when the reader is gone or empty, or pcscd cannot be reached
     */
    public static PcscTransport connect(String readerName) {
        PcscTransport t = new PcscTransport(readerName);
        t.open();
        return t;
    }

    /** The name of the reader. */
    public String readerName() {
        return readerName;
    }

    /** Sets who is told about new connections (the first one included, at its first transaction). */
    public void listener(Listener l) {
        this.listener = l;
    }

    /** The card's answer to reset. */
    public byte[] atr() {
        return card.getATR().getBytes();
    }

    /** Commands sent since the transport was made (for measurements). */
    public long commandCount() {
        return commands;
    }

    /**
     * Runs {@code operation} in one PC/SC transaction. Nested calls join the outer transaction.
     * A connection that died since the last transaction is made again first, and the listener
     * runs in the new transaction before the operation.
     */
    public <T> T exclusive(String what, java.util.function.Supplier<T> operation) {
        checkOpen();
        if (exclusiveDepth > 0) {
            exclusiveDepth++;
            try {
                return operation.get();
            } finally {
                exclusiveDepth--;
            }
        }
        boolean fresh = false;
        try {
            if (card == null) {
                open();
                fresh = true;
            }
            card.beginExclusive();
        } catch (CardException e) {
            if (!reconnectable(code(e))) {
                throw failure(what, e);
            }
            drop();
            open();
            fresh = true;
            try {
                card.beginExclusive();
            } catch (CardException again) {
                throw failure(what, again);
            }
        }
        exclusiveDepth = 1;
        try {
            if (fresh) {
                listener.connected(this);
            }
            return operation.get();
        } finally {
            exclusiveDepth = 0;
            if (card != null) {
                try {
                    card.endExclusive();
                } catch (CardException e) {
                    // the card is gone or reset: the next transaction reconnects
                    drop();
                }
            }
        }
    }

    /** Sends one command with the default timeout and returns the answer (data and status word). */
    public byte[] transmit(byte[] apdu) {
        return transmit(apdu, DEFAULT_TIMEOUT);
    }

    /**
     * Sends one command and returns the answer (data and status word).
     *
     * @throws HsmkitException KEY when the card was removed, IO when the reader fails or the card
     *         does not answer in time
     */
    public byte[] transmit(byte[] apdu, Duration timeout) {
        checkOpen();
        if (card == null) {
            throw HsmkitException.keyUnusable("the card in reader '" + readerName + "' was removed or reset during the operation",
                    "insert the card and run the command again; nothing was written", null);
        }
        CardChannel ch = channel;
        Future<byte[]> answer = watchdog().submit(() -> {
            ByteBuffer response = ByteBuffer.allocate(MAX_RESPONSE);
            int n = ch.transmit(ByteBuffer.wrap(apdu), response);
            return Arrays.copyOf(response.array(), n);
        });
        commands++;
        try {
            byte[] r = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r.length < 2) {
                throw new HsmkitException(ErrorKind.IO, "the card in reader '" + readerName + "' gave an answer of "
                        + r.length + " bytes", "run the command again; if it recurs, the reader or card is faulty");
            }
            return r;
        } catch (TimeoutException e) {
            answer.cancel(true);
            // the native call may never return: leave its thread behind and start afresh next time
            watchdog.shutdownNow();
            watchdog = null;
            drop();
            throw new HsmkitException(ErrorKind.IO, "the card in reader '" + readerName + "' did not answer within "
                    + timeout.toSeconds() + " s", "check the reader and the card, then run the command again", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CardException ce) {
                throw failure("sending a command", ce);
            }
            // jnasmartcardio fails this way on an empty answer, which is what a card pulled in the
            // middle of a command leaves behind
            drop();
            if (!presentSoon()) {
                throw HsmkitException.keyUnusable("the card was removed from reader '" + readerName
                        + "' while sending a command", "insert the card and run the command again; nothing was written", cause);
            }
            throw new HsmkitException(ErrorKind.IO, "the card in reader '" + readerName + "' gave no usable answer",
                    "run the command again; if it recurs, reconnect the reader", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HsmkitException(ErrorKind.IO, "interrupted while waiting for the card", null, e);
        }
    }

    /**
     * Whether the reader still reports a card once pcscd has caught up with the reader (it polls
     * readers a few times a second).
     */
    private boolean presentSoon() {
        long end = System.nanoTime() + 1_500_000_000L;
        while (true) {
            CardTerminals t;
            try {
                t = terminals();
            } catch (HsmkitException e) {
                return false;
            }
            try {
                CardTerminal terminal = t.getTerminal(readerName);
                if (terminal == null || !terminal.isCardPresent()) {
                    return false;
                }
            } catch (CardException e) {
                return false;
            } finally {
                closeQuietly(t);
            }
            if (System.nanoTime() > end) {
                return true;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
    }

    private ExecutorService watchdog() {
        if (watchdog == null) {
            watchdog = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "pcsc " + readerName);
                t.setDaemon(true);
                return t;
            });
        }
        return watchdog;
    }

    private void open() {
        CardTerminals t = terminals();
        try {
            CardTerminal terminal = t.getTerminal(readerName);
            if (terminal == null) {
                throw HsmkitException.key("the card reader '" + readerName + "' is not connected",
                        "plug the reader in (see: hsmkit token list -t card:)");
            }
            if (!terminal.isCardPresent()) {
                throw HsmkitException.key("there is no card in reader '" + readerName + "'", "insert the card and run again");
            }
            Card c = terminal.connect("*");
            this.terminals = t;
            this.card = c;
            this.channel = c.getBasicChannel();
        } catch (CardException e) {
            closeQuietly(t);
            throw failure("connecting to the card", e);
        } catch (RuntimeException e) {
            closeQuietly(t);
            throw e;
        }
    }

    /** Forgets the connection (after a failure); the next transaction makes a new one. */
    private void drop() {
        if (card != null) {
            try {
                card.disconnect(false);
            } catch (CardException | RuntimeException e) {
                // already gone
            }
        }
        card = null;
        channel = null;
        closeQuietly(terminals);
        terminals = null;
    }

    private static CardTerminals terminals() {
        try {
            return TerminalFactory.getInstance("PC/SC", null, new Smartcardio()).terminals();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (Smartcardio.EstablishContextException e) {
            throw HsmkitException.key("cannot reach the PC/SC service (pcscd): " + e.getCause().getMessage(),
                    "start it (e.g. 'sudo systemctl start pcscd.socket') and check that the reader is plugged in");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw HsmkitException.key("the PC/SC library libpcsclite is not installed: " + e.getMessage(),
                    "install it (Debian/Ubuntu: apt-get install libpcsclite1 pcscd)");
        }
    }

    private static void closeQuietly(CardTerminals t) {
        if (t instanceof Smartcardio.JnaCardTerminals j) {
            try {
                j.close();
            } catch (CardException | RuntimeException e) {
                // the context died with pcscd
            }
        }
    }

    static long code(CardException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Smartcardio.JnaPCSCException p) {
                return p.code;
            }
            if (t instanceof Smartcardio.JnaCardNotPresentException p) {
                return p.code;
            }
        }
        return 0;
    }

    /** Whether a fresh context and connection may cure the failure (nothing was sent yet). */
    static boolean reconnectable(long code) {
        return code == SCARD_E_INVALID_HANDLE || code == SCARD_E_NO_SERVICE || code == SCARD_E_SERVICE_STOPPED
                || code == SCARD_W_RESET_CARD || code == SCARD_E_READER_UNAVAILABLE || code == SCARD_E_UNKNOWN_READER
                || code == SCARD_F_COMM_ERROR || code == SCARD_E_NOT_TRANSACTED;
    }

    private HsmkitException failure(String what, CardException e) {
        long code = code(e);
        if (code == SCARD_W_REMOVED_CARD || code == SCARD_E_NO_SMARTCARD || code == SCARD_W_UNPOWERED_CARD
                || code == SCARD_W_UNRESPONSIVE_CARD) {
            drop();
            return HsmkitException.keyUnusable("the card was removed from reader '" + readerName + "' while "
                    + what, "insert the card and run the command again; nothing was written", e);
        }
        if (code == SCARD_E_NO_SERVICE || code == SCARD_E_SERVICE_STOPPED || code == SCARD_E_INVALID_HANDLE) {
            drop();
            return HsmkitException.keyUnusable("the PC/SC service stopped while " + what,
                    "make sure pcscd runs and run the command again", e);
        }
        drop();
        return new HsmkitException(ErrorKind.IO, "PC/SC error while " + what + " on reader '" + readerName + "': "
                + e.getMessage(), "run the command again; if it recurs, reconnect the reader", e);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the connection to '" + readerName + "' is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        drop();
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
    }

    private static HsmkitException listingFailure(CardException e) {
        return new HsmkitException(ErrorKind.KEY, "PC/SC error while listing the card readers: " + e.getMessage(),
                "make sure pcscd runs", e);
    }
}
