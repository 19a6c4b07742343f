package org.tapegrad.fuse;

/**
 * How a fused step runs its element-wise instructions ({@link ColumnRun}): none of it changes a result, only speed.
 *
 * @param blockElements about how many elements (of all the regions a run touches) one column block holds; the
 *     default, {@value #BLOCK_ELEMENTS}, is 128 KiB of doubles forward and twice that with the gradients in
 *     backward: well inside a core's L2 (≥ 512 KiB on current x86 cores), so what one instruction writes is still in
 *     cache when the next reads it, yet thousands of elements per call, so the per-call cost and the vector loops'
 *     tails do not matter
 * @param minParallelWork the least work of a run, in {@link org.tapegrad.kernel.SplitWork}'s units (an element of
 *     an exp/tanh/sigmoid/log costs {@value org.tapegrad.kernel.SplitWork#TRANSCENDENTAL}, of an arithmetic pass
 *     {@value org.tapegrad.kernel.SplitWork#ARITHMETIC}), that is split over threads; {@value #AS_THE_TAPE}, the
 *     default: {@code SplitWork}'s own threshold, the one the tape's element-wise ops split at (about where the ≈1 µs
 *     hand-off to an awake worker is less than half what the split saves; an LSTM step's run, five transcendental
 *     passes and two arithmetic ones over B×H, reaches it from B·H ≈ 780)
 */
record Schedule(long blockElements, long minParallelWork) {

    static final long BLOCK_ELEMENTS = 16_384;
    /** {@link #minParallelWork} for "split where the tape's own ops split". */
    static final long AS_THE_TAPE = -1;

    static final Schedule DEFAULT = new Schedule(BLOCK_ELEMENTS, AS_THE_TAPE);

    Schedule {
        if (blockElements < 1 || minParallelWork < AS_THE_TAPE) {
            throw new IllegalArgumentException("fused step schedule: blockElements must be ≥ 1 and minParallelWork ≥ 0 (or "
                    + AS_THE_TAPE + ", the tape's threshold), got " + blockElements + ", " + minParallelWork);
        }
    }
}
