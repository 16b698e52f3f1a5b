package org.hsmkit.core.internal.openpgp;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.PacketTags;
import org.hsmkit.core.internal.cms.WriteFailure;

/**
 * Writes one SEIPD v1 packet (tag 18, RFC 4880 section 5.13): what is written to it (the inner
 * packets) is prefixed with 18 random bytes, hashed with SHA-1 for the modification detection
 * code, encrypted with AES-CFB (zero IV) and framed in 1 MiB partial body lengths; {@link #close()}
 * appends the MDC packet, ends the packet and flushes the stream below without closing it.
 *
 * <p>CFB encryption is sequential and the slow part, so the SHA-1 runs on a second thread
 * ({@link Sha1Thread}) while this one encrypts.
 */
public final class Seipd1OutputStream extends OutputStream {
    private static final int CHUNK = 1 << 20;

    private final BCPGOutputStream packet;
    private final Cipher cfb;
    private final Sha1Thread sha1;
    private final byte[] cipher = new byte[CHUNK + 32];
    private byte[] plain;
    private int filled;
    private boolean closed;

    public Seipd1OutputStream(OutputStream out, byte[] key, SecureRandom random) throws IOException {
        try {
            this.cfb = Cipher.getInstance("AES/CFB/NoPadding");
            cfb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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

    /** Encrypts the buffer, hands it to the hashing thread and writes the ciphertext. */
    private void encryptBuffer() throws IOException {
        int n;
        try {
            n = cfb.update(plain, 0, filled, cipher, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        sha1.submit(plain, filled);
        plain = sha1.take();
        filled = 0;
        packet.write(cipher, 0, n);
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
            encryptBuffer();
            byte[] last = cfb.doFinal(sha1.finish());
            packet.write(last);
            packet.close();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } finally {
            closed = true;
            sha1.stop();
        }
    }
}
