package org.hsmkit.core.internal.openpgp;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.PacketTags;
import org.hsmkit.core.internal.cms.WriteFailure;

/**
 * Writes one SEIPD v1 packet (tag 18, RFC 4880 section 5.13): what is written to it (the inner
 * packets) is prefixed with 18 random bytes, hashed with SHA-1 for the modification detection
 * code, encrypted with AES-CFB (zero IV, {@link CfbEncryption}) and framed in 1 MiB partial body
 * lengths; {@link #close()} appends the MDC packet, ends the packet and flushes the stream below
 * without closing it.
 *
 * <p>CFB encryption is sequential and the slow part, so the SHA-1 runs on a second thread
 * ({@link Sha1Thread}) while this one encrypts.
 */
public final class Seipd1OutputStream extends OutputStream {
    private static final int CHUNK = 1 << 20;

    private final BCPGOutputStream packet;
    private final CfbEncryption cfb;
    private final Sha1Thread sha1;
    private final byte[] cipher = new byte[CHUNK + 32];
    private byte[] plain;
    private int filled;
    private boolean closed;

    public Seipd1OutputStream(OutputStream out, byte[] key, SecureRandom random) throws IOException {
        this.cfb = new CfbEncryption(key);
        // closing the packet ends it and must leave the stream below open
        this.packet = new BCPGOutputStream(WriteFailure.guardKeepingOpen(out), PacketTags.SYM_ENC_INTEGRITY_PRO, new byte[CHUNK]);
        packet.write(1); // version
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
                encryptBuffer();
            }
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, plain, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Encrypts the whole blocks of the buffer, hands it to the hashing thread and writes the
     * ciphertext; returns the bytes after the last whole block (only the last buffer has any).
     */
    private byte[] encryptBuffer() throws IOException {
        int whole = filled - filled % CfbEncryption.BLOCK;
        cfb.encryptBlocks(plain, 0, whole, cipher, 0);
        byte[] rest = Arrays.copyOfRange(plain, whole, filled);
        sha1.submit(plain, filled);
        plain = sha1.take();
        filled = 0;
        packet.write(cipher, 0, whole);
        return rest;
    }

    /** Appends the MDC packet, ends the SEIPD packet and flushes the stream below. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            write(new byte[] {(byte) 0xD3, 0x14}, 0, 2); // the MDC packet's header is part of what it hashes
            closed = true;
            byte[] rest = encryptBuffer();
            byte[] mdc = sha1.finish();
            byte[] last = Arrays.copyOf(rest, rest.length + mdc.length);
            System.arraycopy(mdc, 0, last, rest.length, mdc.length);
            cfb.encryptLast(last, 0, last.length, last, 0);
            packet.write(last);
            packet.close();
        } finally {
            closed = true;
            sha1.stop();
        }
    }
}
