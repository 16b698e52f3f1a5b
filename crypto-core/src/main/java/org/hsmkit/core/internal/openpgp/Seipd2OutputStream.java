package org.hsmkit.core.internal.openpgp;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.hsmkit.core.internal.CipherWarmup;
import org.hsmkit.core.internal.Providers;

/**
 * Writes one SEIPD v2 packet (tag 18, RFC 9580 section 5.13.2) with AES-256-GCM: what is written to
 * it (the inner packets) is cut into 256 KiB chunks, each sealed with the JDK's AES-GCM under the
 * message key and a nonce of the derived IV and the chunk's index, followed by the final tag over
 * the total length; the packet is framed in 1 MiB partial body lengths. {@link #close()} ends the
 * packet and flushes the stream below without closing it.
 *
 * <p>Why not Bouncy Castle's AEAD stream: it allocates a chunk's output and copies every byte once
 * more into its packet stream, and took 5.2–6.0 s per GiB; the JDK's GCM, fed in slices while the
 * JIT warms up ({@link CipherWarmup}), does the same work in well under a second.
 */
public final class Seipd2OutputStream extends OutputStream {
    /** Chunk size octet: 2^(12+6) = 256 KiB, Bouncy Castle's and GnuPG's default. */
    static final int CHUNK_OCTET = 12;
    static final int CHUNK = 1 << (CHUNK_OCTET + 6);
    private static final int TAG = 16;
    private static final int NONCE = 12;
    private static final int SALT = 32;
    private static final int VERSION = 2;
    private static final int PART = 1 << 20;
    /** A partial body length of 2^20 bytes (RFC 9580 section 4.2.1.4). */
    private static final int PARTIAL_PART = 0xE0 | 20;

    private final OutputStream out;
    private final Cipher gcm;
    private final SecretKeySpec messageKey;
    /** The nonce's first 4 bytes (the derived IV); the last 8 are the chunk index. */
    private final byte[] nonce = new byte[NONCE];
    /** The associated data of every chunk: the packet's tag and its first four body bytes. */
    private final byte[] header;
    private final byte[] plain = new byte[CHUNK];
    private final byte[] sealed = new byte[CHUNK + TAG];
    /** The packet body not yet written: at most one part, held back until it is known not to be the last. */
    private final byte[] part = new byte[PART];
    private int filled;
    private int partFilled;
    private long index;
    private long total;
    private boolean closed;

    /**
     * @param sessionKey the 32-byte AES-256 session key the session key packets carry; not kept
     * @param random for the salt
     */
    public Seipd2OutputStream(OutputStream out, byte[] sessionKey, SecureRandom random) throws IOException {
        this.out = out;
        this.header = new byte[] {(byte) (0xC0 | PacketTags.SYM_ENC_INTEGRITY_PRO), VERSION, SymmetricKeyAlgorithmTags.AES_256,
                AEADAlgorithmTags.GCM, CHUNK_OCTET};
        byte[] salt = new byte[SALT];
        random.nextBytes(salt);
        byte[] keyAndIv = messageKeyAndIv(sessionKey, salt, header, 32);
        this.messageKey = new SecretKeySpec(keyAndIv, 0, 32, "AES");
        System.arraycopy(keyAndIv, 32, nonce, 0, NONCE - 8);
        Arrays.fill(keyAndIv, (byte) 0);
        try {
            this.gcm = Providers.jdkCipher("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES-GCM", e);
        }
        out.write(header[0]);
        emit(header, 1, header.length - 1);
        emit(salt, 0, SALT);
    }

    /**
     * The message key and the nonce's first 4 bytes: HKDF-SHA256 of the session key, with the
     * packet's salt, and its tag and first four body bytes as the info.
     */
    static byte[] messageKeyAndIv(byte[] sessionKey, byte[] salt, byte[] info, int keyBytes) {
        byte[] keyAndIv = new byte[keyBytes + NONCE - 8];
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(sessionKey, salt, info));
        hkdf.generateBytes(keyAndIv, 0, keyAndIv.length);
        return keyAndIv;
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
                seal(CHUNK); // only now: a chunk that ends the input is sealed at close, never an empty one after it
            }
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, plain, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /** Seals the first {@code n} buffered bytes as the next chunk. */
    private void seal(int n) throws IOException {
        try {
            startChunk();
            int m = CipherWarmup.update(gcm, plain, 0, n, sealed, 0);
            m += gcm.doFinal(sealed, m);
            emit(sealed, 0, m);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM failed: " + e.getMessage(), e);
        }
        index++;
        total += n;
        filled = 0;
    }

    /** Starts the GCM encryption for the chunk at {@link #index} (the final tag's index after the last chunk). */
    private void startChunk() throws GeneralSecurityException {
        for (int i = 0; i < 8; i++) {
            nonce[NONCE - 1 - i] = (byte) (index >>> (8 * i));
        }
        gcm.init(Cipher.ENCRYPT_MODE, messageKey, new GCMParameterSpec(TAG * 8, nonce));
        gcm.updateAAD(header);
    }

    /** Appends to the packet body, writing out each whole part once more follows it. */
    private void emit(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (partFilled == PART) {
                out.write(PARTIAL_PART);
                out.write(part, 0, PART);
                partFilled = 0;
            }
            int n = Math.min(len, PART - partFilled);
            System.arraycopy(b, off, part, partFilled, n);
            partFilled += n;
            off += n;
            len -= n;
        }
    }

    /** Seals the last chunk, appends the final tag, writes the last part with its length and flushes. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (filled > 0) {
            seal(filled);
        }
        try {
            startChunk();
            byte[] length = new byte[8];
            for (int i = 0; i < 8; i++) {
                length[7 - i] = (byte) (total >>> (8 * i));
            }
            gcm.updateAAD(length);
            emit(gcm.doFinal(), 0, TAG);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM failed: " + e.getMessage(), e);
        }
        PacketLength.write(out, partFilled);
        out.write(part, 0, partFilled);
        out.flush();
    }
}
