package org.hsmkit.core.internal.openpgp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The XOR of plaintext or ciphertext with a CFB keystream, for both directions of SEIPD v1. */
final class Xor {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private Xor() {
    }

    /** {@code out[o..o+n) = a[ao..ao+n) ^ k[ko..ko+n)}, eight bytes at a time. */
    static void into(byte[] a, int ao, byte[] k, int ko, byte[] out, int o, int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            LONGS.set(out, o + i, (long) LONGS.get(a, ao + i) ^ (long) LONGS.get(k, ko + i));
        }
        for (; i < n; i++) {
            out[o + i] = (byte) (a[ao + i] ^ k[ko + i]);
        }
    }
}
