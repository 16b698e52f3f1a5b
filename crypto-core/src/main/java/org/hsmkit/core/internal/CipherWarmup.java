package org.hsmkit.core.internal;

import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;

/**
 * Feeds the JDK's AES modes in small slices until the JIT has compiled them. Their AES and
 * carry-less multiply instructions come only with the optimising compiler, which compiles a method
 * after enough calls: a few big calls at the start run interpreted for seconds (1 GiB of AES-GCM in
 * 256 KiB calls took 2.5 s in a fresh JVM, in 1 KiB calls 0.5 s). 256-byte slices gave the
 * shortest times of 64 to 4096 bytes here; past {@link #WARMUP_BYTES} per JVM the calls are whole.
 */
public final class CipherWarmup {
    public static final int WARMUP_BYTES = 32 << 20;
    public static final int WARMUP_SLICE = 256;
    /**
     * Bytes encrypted in slices so far in this JVM. The warm-up is per JVM, not per stream: counted
     * per stream, every S/MIME message (a new stream each) ran in 256-byte calls.
     */
    private static final AtomicLong WARMED = new AtomicLong();

    private CipherWarmup() {
    }

    /** {@link Cipher#update(byte[], int, int, byte[], int)}, sliced while this JVM warms up; returns the bytes written. */
    public static int update(Cipher cipher, byte[] in, int off, int len, byte[] out, int outOff) throws ShortBufferException {
        boolean warming = WARMED.get() < WARMUP_BYTES;
        if (!warming) {
            return cipher.update(in, off, len, out, outOff);
        }
        WARMED.addAndGet(len);
        int m = 0;
        for (int s = 0; s < len; s += WARMUP_SLICE) {
            m += cipher.update(in, off + s, Math.min(WARMUP_SLICE, len - s), out, outOff + m);
        }
        return m;
    }
}
