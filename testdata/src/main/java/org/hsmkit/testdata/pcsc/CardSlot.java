package org.hsmkit.testdata.pcsc;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.IntSupplier;

import jdk.net.ExtendedSocketOptions;

/**
 * The card side of one virtual reader: a thread that connects to the vpcd driver in pcscd
 * (127.0.0.1 only) and answers its messages with the inserted {@link VirtualCard}.
 *
 * <p>Frames in both directions are a 2-byte big-endian length and the payload. A 1-byte message
 * from the driver is a control: 00 power off, 01 power on, 02 reset, 04 get ATR (the only one
 * answered; pcscd polls it about every 400 ms to see the card is still there). Anything longer
 * is a command APDU. When pcscd goes away (restart) the thread connects again until the card is
 * removed; a closed connection is what the driver takes as "card removed".
 */
final class CardSlot {
    private final int index;
    private final IntSupplier port;
    private final Object lock = new Object();
    private VirtualCard card;
    private Socket socket;
    private Thread thread;

    CardSlot(int index, IntSupplier port) {
        this.index = index;
        this.port = port;
    }

    void insert(VirtualCard newCard) {
        synchronized (lock) {
            if (card != null) {
                throw new IllegalStateException("reader " + index + " already holds a card: remove it first");
            }
            card = newCard;
            Thread t = new Thread(() -> run(newCard), "virtual card in reader " + index);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    /** Pulls the card: closes the connection and ends the thread. */
    void remove() {
        Thread t;
        synchronized (lock) {
            card = null;
            closeSocket();
            t = thread;
            thread = null;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean occupied() {
        synchronized (lock) {
            return card != null;
        }
    }

    private void run(VirtualCard c) {
        while (current(c)) {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.getAsInt()), 1_000);
            } catch (IOException e) {
                closeQuietly(s);
                PcscDaemon.sleep(50);
                continue;
            }
            synchronized (lock) {
                if (card != c) {
                    closeQuietly(s);
                    return;
                }
                socket = s;
            }
            try {
                serve(s, c);
            } catch (IOException e) {
                // pcscd went away (or the card was removed): connect again while inserted
            } finally {
                closeQuietly(s);
            }
        }
    }

    private boolean current(VirtualCard c) {
        synchronized (lock) {
            return card == c;
        }
    }

    private void serve(Socket s, VirtualCard c) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        while (true) {
            s.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            int length;
            try {
                length = in.readUnsignedShort();
            } catch (EOFException e) {
                return;
            }
            byte[] message = new byte[length];
            in.readFully(message);
            if (length == 1) {
                control(message[0], c, out);
                continue;
            }
            byte[] response = c.transmit(message);
            if (response == null) {
                // the card acts as pulled out in the middle of the command
                synchronized (lock) {
                    if (card == c) {
                        card = null;
                        thread = null;
                    }
                }
                return;
            }
            write(out, response);
        }
    }

    private void control(byte code, VirtualCard c, OutputStream out) throws IOException {
        switch (code) {
            case 0x00 -> c.powerOff();
            case 0x01 -> c.powerOn();
            case 0x02 -> c.reset();
            case 0x04 -> write(out, c.atr());
            default -> {
                // unknown control messages get no answer, as with the reference implementation
            }
        }
    }

    private static void write(OutputStream out, byte[] payload) throws IOException {
        if (payload.length > 0xFFFF) {
            throw new IOException("a response of " + payload.length + " bytes does not fit a vpcd frame");
        }
        byte[] frame = new byte[payload.length + 2];
        frame[0] = (byte) (payload.length >>> 8);
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        out.write(frame);
        out.flush();
    }

    private void closeSocket() {
        if (socket != null) {
            closeQuietly(socket);
            socket = null;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a dead connection
        }
    }
}
