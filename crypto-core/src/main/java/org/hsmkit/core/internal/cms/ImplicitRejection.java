package org.hsmkit.core.internal.cms;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * What a recipient does when the content key cannot be recovered: it goes on with a random key
 * (RFC 3218, section 2.3), so that the failure surfaces only where tampered content would fail,
 * at the content's tag or padding, with the same error and after the same work.
 */
public final class ImplicitRejection {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ImplicitRejection() {
    }

    /**
     * {@code key} when it was recovered with the expected length, else a random key of that length
     * ({@code key} is cleared). With {@code expectedBytes} 0 (unknown cipher) a recovered key is
     * returned as it is and a missing one becomes 32 random bytes.
     */
    public static byte[] keyOrRandom(byte[] key, int expectedBytes) {
        if (key != null && (expectedBytes == 0 || key.length == expectedBytes)) {
            return key;
        }
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
        byte[] random = new byte[expectedBytes == 0 ? 32 : expectedBytes];
        RANDOM.nextBytes(random);
        return random;
    }
}
