package org.tapegrad.layers.random;

/**
 * The whole state of a {@link ResumableRandom}, as data; {@link #encode()} and {@link #decode} give an exact text
 * form for a checkpoint's metadata.
 *
 * @param counter          the SplitMix64 counter
 * @param hasSpareGaussian whether the second Gaussian of the last pair is still to be returned
 * @param spareGaussian    that Gaussian (0 when there is none)
 */
public record RandomState(long counter, boolean hasSpareGaussian, double spareGaussian) {

    /** {@code counter:spare} in hexadecimal, the spare as its IEEE bits, or {@code -} for none: exact both ways. */
    public String encode() {
        return Long.toHexString(counter) + ":" + (hasSpareGaussian ? Long.toHexString(Double.doubleToRawLongBits(spareGaussian)) : "-");
    }

    /**
     * Parses {@link #encode()}'s form.
     *
     * @throws IllegalArgumentException quoting the text if it is not of that form
     */
    public static RandomState decode(String text) {
        String[] parts = text.split(":", -1);
        try {
            if (parts.length == 2) {
                long counter = Long.parseUnsignedLong(parts[0], 16);
                if (parts[1].equals("-")) {
                    return new RandomState(counter, false, 0);
                }
                double spare = Double.longBitsToDouble(Long.parseUnsignedLong(parts[1], 16));
                if (Double.isFinite(spare)) {
                    return new RandomState(counter, true, spare);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("random generator state '" + text + "' is not of the form <hex counter>:<hex bits or ->");
    }
}
