package org.tapegrad.examples.cli;

import java.util.Locale;

/**
 * Refuses a run before it allocates what it cannot hold: a matrix larger than a Java array, or an estimated need above
 * the heap. A command computes its estimate from its sizes (parameters with their gradients and optimizer state, the
 * tape of one training step, the batches) and calls {@link #requireHeap}; the user gets one line naming the sizes,
 * the need and the heap, never an {@code OutOfMemoryError} minutes later.
 */
public final class MemoryEstimate {

    /** The most elements a Java array (so a tapegrad matrix) can hold. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final double GIB = 1L << 30;
    private static final double MIB = 1L << 20;

    private MemoryEstimate() {
    }

    /**
     * Requires a {@code rows × cols} matrix to fit one array.
     *
     * @param sizes the options that set its size, e.g. {@code "--hidden 1000000000"}
     * @throws UserInputException naming the sizes, the matrix and the limit
     */
    public static void requireMatrix(String sizes, String matrix, long rows, long cols) {
        double elements = (double) rows * cols;
        if (rows < 1 || cols < 1 || elements > MAX_ELEMENTS) {
            throw new UserInputException(sizes + ": the " + matrix + " matrix would be " + rows + "×" + cols + " = "
                    + String.format(Locale.ROOT, "%.3g", elements) + " elements; one matrix holds at most " + MAX_ELEMENTS);
        }
    }

    /**
     * Requires {@code bytes} (an estimate) to fit the heap still free.
     *
     * @param sizes what the estimate is of, e.g. {@code "--hidden 100000 with --batch 32"}
     * @param what  what it counts, e.g. {@code "parameters, Adam's moments and the tape of one chunk"}
     * @throws UserInputException {@code error: --hidden 100000 needs about 596 GiB (…), the heap holds 6 GiB}
     */
    public static void requireHeap(String sizes, double bytes, String what) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (!(bytes <= free)) {
            throw new UserInputException(sizes + " needs about " + size(bytes) + " (" + what + "), the heap holds " + size(rt.maxMemory())
                    + (rt.maxMemory() - free > 0.1 * rt.maxMemory() ? " of which " + size(free) + " is free" : "")
                    + "; choose smaller sizes or give java a larger -Xmx");
        }
    }

    /** Bytes in GiB or MiB, two significant digits or more. */
    public static String size(double bytes) {
        if (bytes >= GIB) {
            return String.format(Locale.ROOT, bytes >= 10 * GIB ? "%.0f GiB" : "%.1f GiB", bytes / GIB);
        }
        return String.format(Locale.ROOT, "%.0f MiB", Math.max(1, bytes / MIB));
    }
}
