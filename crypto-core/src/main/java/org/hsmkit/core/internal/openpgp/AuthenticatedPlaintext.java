package org.hsmkit.core.internal.openpgp;

import java.io.IOException;

/**
 * A stream of decrypted packet content that checks the packet's integrity itself: a reader sees
 * end-of-stream only after the check passed, and an {@link java.io.IOException} otherwise.
 */
public interface AuthenticatedPlaintext {
    /** The integrity check failed: a tag or the MDC did not match, or the packet ended early. */
    final class Mismatch extends IOException {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message);
        }
    }

    /** Whether the whole packet was read and its integrity check passed. */
    boolean verified();

    /** Stops reading, and ends any thread the stream runs. */
    void close();
}
