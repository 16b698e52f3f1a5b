package org.hsmkit.smime;

/**
 * Bounds on what a compressed or encrypted layer may expand to, so that a small message cannot
 * fill memory (a "compression bomb"). Exceeding either bound stops reading with an
 * {@link org.hsmkit.core.HsmkitException} of kind INPUT.
 *
 * @param maxBytes the most bytes one layer may produce
 * @param maxRatio the most bytes a compressed layer may produce per compressed byte; checked once
 *        the output passes {@link #RATIO_FLOOR} bytes, since tiny inputs expand by large factors
 *        harmlessly
 */
public record DecompressionLimits(long maxBytes, int maxRatio) {
    /** Output size below which the ratio is not checked. */
    public static final long RATIO_FLOOR = 1 << 20;

    /** 64 MiB per layer and at most 100 times the compressed size. */
    public static final DecompressionLimits DEFAULT = new DecompressionLimits(64L << 20, 100);

    public DecompressionLimits {
        if (maxBytes < 1 || maxRatio < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
