package org.hsmkit.smime.internal;

import java.io.IOException;
import java.io.InputStream;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.smime.DecompressionLimits;

/** Reads a layer's output into memory, stopping as soon as it exceeds the limits. */
public final class BoundedCopy {
    private BoundedCopy() {
    }

    /**
     * @param compressedSize the size of the compressed input, or -1 when the layer is not compressed
     *        (then only the size bound applies)
     * @param what names the layer in the error message
     */
    public static byte[] read(InputStream in, DecompressionLimits limits, long compressedSize, String what) throws IOException {
        ByteSink out = new ByteSink(16384);
        byte[] buf = new byte[16384];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > limits.maxBytes()) {
                throw HsmkitException.input(what + " expands beyond " + limits.maxBytes() + " bytes; refusing it",
                        "if the message is genuine, raise the limit (DecompressionLimits)");
            }
            if (compressedSize >= 0 && total > DecompressionLimits.RATIO_FLOOR
                    && total > (long) limits.maxRatio() * Math.max(1, compressedSize)) {
                throw HsmkitException.input(what + " expands more than " + limits.maxRatio() + " times its "
                        + compressedSize + " compressed bytes (a compression bomb?); refusing it",
                        "if the message is genuine, raise the ratio limit (DecompressionLimits)");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
