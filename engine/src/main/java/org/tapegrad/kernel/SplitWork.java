package org.tapegrad.kernel;

/**
 * Splits one op's work over the product pool ({@link GemmThreads}): element-wise loops by ranges of elements, and
 * ops with several products (an affine map's forward and backward) by shares of their columns, so that all the
 * products and loops of the op cost one hand-off instead of one each.
 *
 * <p>Only work of at least {@link GemmThreads#MIN_PARALLEL_WORK} units is split, a unit being one multiply-add of
 * a product at the FMA peak (≈ 0.02–0.04 ns): an element of an exp/tanh/sigmoid loop costs about
 * {@value #TRANSCENDENTAL} units, an element of an add or multiply loop about {@value #ARITHMETIC} (memory-bound),
 * so a transcendental loop is split from 4096 elements and an arithmetic one from 32768 — below that the ≈ 1 µs
 * hand-off to an awake worker costs more than half the loop saves.
 *
 * <p>Range boundaries are multiples of {@value #ALIGN} elements (whole vectors of either element type, whole tiles of a
 * product's columns), and every element or column is computed by exactly one thread with the same arithmetic as on
 * one thread, so results do not depend on the thread count.
 */
public final class SplitWork {

    /** Work units per element of an element-wise loop that evaluates exp, tanh or a sigmoid. */
    public static final int TRANSCENDENTAL = 64;

    /** Work units per element of an element-wise add/multiply loop. */
    public static final int ARITHMETIC = 8;

    /** Range and share boundaries are multiples of this many elements (columns). */
    public static final int ALIGN = 16;

    private SplitWork() {
    }

    /** The work on the elements {@code [from, to)} of a loop. */
    public interface Range {
        void run(int from, int to);
    }

    /** Share {@code index} of {@code shares} equal parts of an op's work. */
    public interface Share {
        void run(int index, int shares);
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split over up to {@code threads} threads when {@code n·cost} reaches the
     * split threshold, else on the caller in one range.
     */
    public static void elements(int threads, int n, int cost, Range body) {
        if (threads <= 1 || (long) n * cost < GemmThreads.MIN_PARALLEL_WORK || n < 2 * ALIGN) {
            body.run(0, n);
            return;
        }
        GemmThreads.forColumns(n, ALIGN, Long.MAX_VALUE, threads, body::run);
    }

    // Both below check GemmThreads.held(): while the pool is taken (by an overlapped gradient pass, or another
    // thread), the split would only run its parts one after another on the caller; one part does the same work whole.

    /**
     * Runs {@code body} over the columns {@code [0, n)} of an {@code m×n} element-wise loop, split by whole columns
     * over up to {@code threads} threads when {@code m·n·cost} reaches the split threshold.
     */
    public static void columns(int threads, int m, int n, int cost, Range body) {
        if (threads <= 1 || n < 2 || (long) m * n * cost < GemmThreads.MIN_PARALLEL_WORK || GemmThreads.held()) {
            body.run(0, n);
            return;
        }
        int t = Math.min(threads, n);
        GemmThreads.forBlocks(t, t, index -> body.run((int) ((long) n * index / t), (int) ((long) n * (index + 1) / t)));
    }

    /**
     * Runs {@code body} once per share, {@code threads} shares on as many threads when {@code work} reaches the split
     * threshold, else as the single share {@code (0, 1)} on the caller.
     */
    public static void shares(int threads, long work, Share body) {
        if (threads <= 1 || work < GemmThreads.MIN_PARALLEL_WORK || GemmThreads.held()) {
            body.run(0, 1);
            return;
        }
        GemmThreads.forBlocks(threads, threads, index -> body.run(index, threads));
    }

    /** The first element of share {@code index} of {@code [0, n)} cut into {@code shares} aligned parts (n at the end). */
    public static int start(int n, int index, int shares) {
        return start(n, index, shares, ALIGN);
    }

    /**
     * As {@link #start(int, int, int)} for the columns of a product whose kernel packs B in panels of {@code panel}
     * columns ({@link ColumnRangeGemm#panelColumns}): the boundaries are multiples of {@value #ALIGN} where that is a
     * whole number of panels, else multiples of the panel (6 floats with 256-bit vectors). A share starting inside a
     * panel cannot read the weights' panels packed beforehand and packs its columns again at every call: so it was
     * for every second share of a float32 product on AVX2 machines, with boundaries at multiples of 16.
     */
    public static int start(int n, int index, int shares, int panel) {
        if (shares <= 1) {
            return index == 0 ? 0 : n;
        }
        int grain = panel >= 1 && ALIGN % panel != 0 ? panel : ALIGN;
        int block = ((n + grain - 1) / grain + shares - 1) / shares * grain;
        return (int) Math.min(n, (long) index * block);
    }
}
