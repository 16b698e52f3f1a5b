package org.hsmkit.core.internal.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes to another stream on a second thread, so that a producer which computes its bytes on one
 * thread (encryption) overlaps with the kernel's copy of the previous megabytes. A full 1 MiB
 * buffer goes to the writer thread, which starts with the first full buffer, so small outputs
 * never start it. The first buffer starts small and grows to 1 MiB as it fills: a batch of small
 * files would otherwise allocate (and clear) a megabyte per file, which the garbage collector
 * treats as a humongous object. {@link #flush()} returns only when every byte is written to the stream below
 * and that is flushed; a failed write (full disk, file size limit) is thrown by the producer's
 * next {@code write} or {@code flush}.
 *
 * <p>Not thread-safe: one producer. {@link #stop()} ends the writer thread and leaves the stream
 * below open; {@link #close()} flushes, stops and closes it.
 */
public final class WriteBehindStream extends OutputStream {
    private static final int BUFFER = 1 << 20;
    private static final int FIRST_BUFFER = 1 << 14;
    private static final int BUFFERS = 4;

    private record Chunk(byte[] data, int length) {
    }

    private static final Chunk DONE = new Chunk(new byte[0], 0);

    private final OutputStream out;
    /** Filled buffers, to the writer. */
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    /** Written buffers, back from the writer. */
    private final BlockingQueue<byte[]> returned = new ArrayBlockingQueue<>(BUFFERS);
    /** Empty buffers the producer holds. */
    private final Deque<byte[]> owned = new ArrayDeque<>();
    private int allocated;
    private byte[] current;
    private int filled;
    private Thread writer;
    /** Buffers handed to the writer and not yet taken back. */
    private int pending;
    private volatile IOException failure;
    /** Volatile: after a failure elsewhere the writer drops what it still holds. */
    private volatile boolean stopped;

    public WriteBehindStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        checkOpen();
        while (len > 0) {
            if (current == null) {
                current = take();
                filled = 0;
            }
            int n = Math.min(len, current.length - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == current.length) {
                if (current.length < BUFFER) {
                    current = Arrays.copyOf(current, Math.min(BUFFER, current.length * 4));
                } else {
                    handOver();
                }
            }
        }
    }

    /** Writes everything so far to the stream below, waits for it, and flushes that stream. */
    @Override
    public void flush() throws IOException {
        checkOpen();
        drain();
        if (current != null && filled > 0) {
            out.write(current, 0, filled);
            filled = 0;
        }
        out.flush();
    }

    /**
     * Stops the writer thread; bytes not yet flushed (and buffers it has not started writing) are
     * dropped. The stream below stays open. For the end of the work, after {@link #flush()}, or
     * after a failure.
     */
    public void stop() {
        if (!stopped && writer != null) {
            // not an interrupt: that would close a file channel the writer is writing to
            full.add(DONE);
        }
        stopped = true;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            stop();
            out.close();
        }
    }

    private void checkOpen() throws IOException {
        if (stopped) {
            throw new IOException("the output is stopped");
        }
        rethrow();
    }

    private void rethrow() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException(f.getMessage(), f);
        }
    }

    private byte[] take() throws IOException {
        if (!owned.isEmpty()) {
            return owned.pop();
        }
        byte[] b = returned.poll();
        if (b == null && allocated < BUFFERS) {
            allocated++;
            return new byte[allocated == 1 ? FIRST_BUFFER : BUFFER];
        }
        try {
            if (b == null) {
                b = returned.take();
            }
            pending--;
            rethrow();
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private void handOver() {
        if (writer == null) {
            writer = new Thread(this::run, "hsmkit-write-behind");
            writer.setDaemon(true);
            writer.start();
        }
        pending++;
        full.add(new Chunk(current, filled));
        current = null;
        filled = 0;
    }

    /** Waits until the writer has written (or failed on) every buffer handed to it. */
    private void drain() throws IOException {
        try {
            while (pending > 0) {
                owned.push(returned.take());
                pending--;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
        rethrow();
    }

    private void run() {
        try {
            for (Chunk c = full.take(); c != DONE; c = full.take()) {
                if (failure == null && !stopped) {
                    try {
                        out.write(c.data(), 0, c.length());
                    } catch (IOException e) {
                        failure = e;
                    } catch (RuntimeException | Error e) {
                        // the producer waits for this buffer: report, never die silently
                        failure = new IOException("writing failed: " + e, e);
                    }
                }
                returned.add(c.data());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
