package org.hsmkit.core.internal.cms;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;

/**
 * Computes a GCM tag and writes the plaintext on its own thread: the caller fills buffers from
 * {@link #buffer()} with the plaintext, in order, and {@link #submit}s them; the thread runs them
 * through a GCM encryption (output discarded), writes them to the sink and hands the buffers
 * back. After {@link #finish()} the caller owns the cipher again and takes the tag from its
 * {@code doFinal()}. The two threads then carry about equal work on two cores: reading, parsing
 * and AES-CTR on one; the tag's GHASH (and the GCM keystream it has to recompute) and the write
 * on the other. A failure on this thread is thrown to the caller by its next call.
 */
public final class GcmTagThread implements Runnable {
    /** The largest piece one buffer holds. */
    public static final int CHUNK = 1 << 20;
    private static final int BUFFERS = 4;

    private record Piece(byte[] data, int length, int slice) {
    }

    private static final Piece END = new Piece(null, -1, 0);

    private final Cipher tagger;
    private final OutputStream sink;
    private final BlockingQueue<Piece> work = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final Thread thread;
    private volatile Throwable failure;

    private GcmTagThread(Cipher tagger, OutputStream sink) {
        this.tagger = tagger;
        this.sink = sink;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[CHUNK + 32]);
        }
        this.thread = new Thread(this, "hsmkit-gcm-tag");
        thread.setDaemon(true);
    }

    /**
     * Starts a thread feeding {@code tagger}, an AES-GCM cipher initialised for encryption, and
     * writing to {@code sink}.
     */
    public static GcmTagThread start(Cipher tagger, OutputStream sink) {
        GcmTagThread t = new GcmTagThread(tagger, sink);
        t.thread.start();
        return t;
    }

    /** A buffer of at least {@link #CHUNK} bytes that the tag thread is done with. */
    public byte[] buffer() throws IOException {
        try {
            byte[] b = free.poll(1, TimeUnit.SECONDS);
            while (b == null) {
                failed();
                b = free.poll(1, TimeUnit.SECONDS);
            }
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /** Queues {@code length} plaintext bytes of a buffer, to be fed in calls of {@code slice} bytes. */
    public void submit(byte[] data, int length, int slice) throws IOException {
        failed();
        try {
            work.put(new Piece(data, length, slice));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /** Waits until every submitted buffer is in the tag; the caller may then finish the cipher. */
    public void finish() throws IOException {
        try {
            work.put(END);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        failed();
    }

    /** Stops the thread if it still runs (after a failure elsewhere). */
    public void stop() {
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }

    private void failed() throws IOException {
        Throwable f = failure;
        if (f instanceof IOException io) {
            throw new IOException(io.getMessage(), io);
        }
        if (f instanceof RuntimeException r) {
            throw r; // e.g. a write failure the sink reports as HsmkitException
        }
        if (f != null) {
            throw new IllegalStateException("the GCM tag computation failed", f);
        }
    }

    @Override
    public void run() {
        byte[] scratch = new byte[CHUNK + 64];
        try {
            for (Piece p = work.take(); p != END; p = work.take()) {
                for (int off = 0; off < p.length(); off += p.slice()) {
                    tagger.update(p.data(), off, Math.min(p.slice(), p.length() - off), scratch, off);
                }
                sink.write(p.data(), 0, p.length());
                free.put(p.data());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (GeneralSecurityException | IOException | RuntimeException | Error e) {
            failure = e;
        }
    }
}
