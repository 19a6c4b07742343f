package org.tapegrad.layers.train;

/**
 * What a {@link CheckpointedBptt} run will hold at its peak, known before it runs ({@link CheckpointedBptt#estimateMemory}):
 * the stored states, one recorded segment on the tape, and the states and the gradient carried across a segment
 * boundary. Counted in the buffer pool's account ({@link org.tapegrad.tape.Tape#peakBytesHeld()}) plus the states
 * kept off the tape; the cell's parameters, the caller's inputs and what a per-step loss records are not included.
 *
 * @param plan             the schedule's plan for this T
 * @param memory           the cell's measured step memory
 * @param checkpointBytes  the most stored states at once, in bytes
 * @param segmentBytes     the peak of one recorded segment of the plan's length
 * @param totalBytes       {@code checkpointBytes + segmentBytes + } the boundary state and gradient
 * @param fullTapeBytes    the same account for recording all T steps on one tape (no checkpointing)
 * @param recomputedSteps  forward steps run again, on top of T
 */
public record MemoryEstimate(CheckpointPlan plan, StepMemory memory, long checkpointBytes, long segmentBytes, long totalBytes,
        long fullTapeBytes, long recomputedSteps) {

    static MemoryEstimate of(CheckpointPlan plan, StepMemory memory) {
        long checkpoints = (long) plan.slots() * memory.stateBytes();
        long segment = memory.segmentBytes(plan.segmentSteps());
        return new MemoryEstimate(plan, memory, checkpoints, segment, checkpoints + segment + boundaryBytes(memory),
                memory.segmentBytes(plan.steps()), plan.recomputedSteps());
    }

    /**
     * Kept off the tape besides the checkpoints: the initial state, the gradient of the state at the boundary being
     * crossed, and the state just advanced to (the start of the unit about to be recorded).
     */
    static long boundaryBytes(StepMemory memory) {
        return 3 * memory.stateBytes();
    }

    /** {@code totalBytes / fullTapeBytes}. */
    public double fractionOfFullTape() {
        return (double) totalBytes / fullTapeBytes;
    }
}
