package org.hsmkit.core.internal.openpgp;

import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * SHA-1 on a second thread, fed whole buffers in order: the producer {@link #take}s an empty
 * buffer, fills it, {@link #submit}s it, and gets it back (through {@code take}) once hashed.
 * Three buffers circulate, so the producer can fill one while another is hashed.
 */
final class Sha1Thread {
    private static final int BUFFERS = 3;

    private record Item(byte[] data, int length) {
    }

    private static final Item DONE = new Item(new byte[0], -1);

    private final BlockingQueue<Item> work = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<byte[]> result = new ArrayBlockingQueue<>(1);
    private final Thread thread;

    private Sha1Thread(int size) {
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[size]);
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        MessageDigest digest = md;
        this.thread = new Thread(() -> {
            try {
                while (true) {
                    Item item = work.take();
                    if (item == DONE) {
                        return;
                    }
                    if (item.length() < 0) {
                        result.add(digest.digest());
                        return;
                    }
                    digest.update(item.data(), 0, item.length());
                    free.add(item.data());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hsmkit-sha1");
        thread.setDaemon(true);
        thread.start();
    }

    static Sha1Thread start(int bufferSize) {
        return new Sha1Thread(bufferSize);
    }

    /** An empty buffer (waits while all are being hashed). */
    byte[] take() throws InterruptedIOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /** Hashes {@code length} bytes of {@code buffer}, which returns to the free buffers afterwards. */
    void submit(byte[] buffer, int length) {
        work.add(new Item(buffer, length));
    }

    /** The digest of everything submitted; waits for the thread. */
    byte[] finish() throws InterruptedIOException {
        work.add(new Item(new byte[0], -2));
        try {
            return result.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /** Ends the thread (after {@link #finish}, or after a failure). */
    void stop() {
        work.offer(DONE);
    }
}
