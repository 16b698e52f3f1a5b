package org.hsmkit.core.internal.openpgp;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.bcpg.PacketTags;

/**
 * Writes one SEIPD v1 packet (tag 18, RFC 4880 section 5.13): what is written to it (the inner
 * packets) is prefixed with 18 random bytes, hashed with SHA-1 for the modification detection
 * code, encrypted with AES-CFB (zero IV, {@link CfbEncryption}) and framed in 1 MiB partial body
 * lengths; {@link #close()} appends the MDC packet, ends the packet and flushes the stream below
 * without closing it.
 *
 * <p>CFB encryption is sequential and the slow part, so the SHA-1 runs on a second thread
 * ({@link Sha1Thread}) while this one encrypts, and the framing is written here rather than
 * through Bouncy Castle's packet stream, which would copy every byte once more on this thread.
 */
public final class Seipd1OutputStream extends OutputStream {
    private static final int CHUNK = 1 << 20;
    /** A partial body length of 2^20 bytes (RFC 4880 section 4.2.2.4). */
    private static final int PARTIAL_CHUNK = 0xE0 | 20;
    private static final int VERSION = 1;

    private final OutputStream out;
    private final CfbEncryption cfb;
    private final Sha1Thread sha1;
    /**
     * The packet body not yet written, at [0]: a byte carried over, because the body starts with
     * the version byte while each part written is exactly a chunk; then the chunk's ciphertext.
     */
    private final byte[] body = new byte[1 + CHUNK + 64];
    private byte[] plain;
    private int filled;
    private boolean closed;

    public Seipd1OutputStream(OutputStream out, byte[] key, SecureRandom random) throws IOException {
        this.out = out;
        this.cfb = new CfbEncryption(key);
        out.write(0xC0 | PacketTags.SYM_ENC_INTEGRITY_PRO); // new-format packet header
        body[0] = VERSION;
        this.sha1 = Sha1Thread.start(CHUNK);
        this.plain = sha1.take();
        byte[] prefix = new byte[18];
        random.nextBytes(prefix);
        prefix[16] = prefix[14];
        prefix[17] = prefix[15];
        write(prefix, 0, prefix.length);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        while (len > 0) {
            if (filled == CHUNK) {
                encryptChunk();
            }
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, plain, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /** Encrypts the full buffer, hands it to the hashing thread and writes one partial part. */
    private void encryptChunk() throws IOException {
        cfb.encryptBlocks(plain, 0, CHUNK, body, 1);
        sha1.submit(plain, CHUNK);
        plain = sha1.take();
        filled = 0;
        out.write(PARTIAL_CHUNK);
        out.write(body, 0, CHUNK);
        body[0] = body[CHUNK];
    }

    /** Appends the MDC packet, writes the last part with its length and flushes the stream below. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            write(new byte[] {(byte) 0xD3, 0x14}, 0, 2); // the MDC packet's header is part of what it hashes
            closed = true;
            int whole = filled - filled % CfbEncryption.BLOCK;
            cfb.encryptBlocks(plain, 0, whole, body, 1);
            byte[] last = Arrays.copyOf(Arrays.copyOfRange(plain, whole, filled), filled - whole + 20);
            sha1.submit(plain, filled);
            System.arraycopy(sha1.finish(), 0, last, filled - whole, 20);
            cfb.encryptLast(last, 0, last.length, body, 1 + whole);
            int length = 1 + whole + last.length;
            PacketLength.write(out, length);
            out.write(body, 0, length);
            out.flush();
        } finally {
            closed = true;
            sha1.stop();
        }
    }

    /**
     * Ends the hashing thread without finishing the packet, after a failure (of the input, or of
     * the stream below): what was written is incomplete and the caller discards it.
     */
    public void abandon() {
        closed = true;
        sha1.stop();
    }
}
