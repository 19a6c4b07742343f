package org.tapegrad.fuse;

/**
 * How a fused step runs its element-wise instructions ({@link ColumnRun}): none of it changes a result, only speed.
 *
 * @param blockElements about how many elements (of all the regions a run touches) one column block holds; the
 *     default, {@value #BLOCK_ELEMENTS}, is 128 KiB of doubles forward and twice that with the gradients in
 *     backward: well inside a core's L2 (≥ 512 KiB on current x86 cores), so what one instruction writes is still in
 *     cache when the next reads it, yet thousands of elements per call, so the per-call cost and the vector loops'
 *     tails do not matter
 * @param minParallelElements the least work (elements computed, summed over the run's instructions) that is split
 *     over threads; the default, {@value #MIN_PARALLEL_ELEMENTS}, takes 8–30 µs on one core (0.5–2 ns an element,
 *     the activations' double-double formulas being the dearest), so the ≈1 µs hand-off to an awake worker
 *     ({@code HandoffBenchmark}) is a small part of the half it saves; an LSTM step's run reaches it from
 *     B·H ≈ 2,400 (B=32, H=128: 28,672)
 */
record Schedule(long blockElements, long minParallelElements) {

    static final long BLOCK_ELEMENTS = 16_384;
    static final long MIN_PARALLEL_ELEMENTS = 16_384;

    static final Schedule DEFAULT = new Schedule(BLOCK_ELEMENTS, MIN_PARALLEL_ELEMENTS);

    Schedule {
        if (blockElements < 1 || minParallelElements < 0) {
            throw new IllegalArgumentException("fused step schedule: blockElements must be ≥ 1 and minParallelElements ≥ 0, got "
                    + blockElements + ", " + minParallelElements);
        }
    }
}
