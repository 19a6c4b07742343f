package org.tapegrad.layers.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * What one cell needs on the tape, in the buffer pool's account ({@link Tape#peakBytesHeld()}): a recorded segment of
 * L steps holds at its peak {@code segmentBaseBytes + L · bytesPerStep}, and a state kept off the tape (a checkpoint)
 * takes {@code stateBytes}. Measured, not guessed: {@link #probe} records two and three steps of the cell at the real
 * batch size the way {@link CheckpointedBptt} records a segment (input and state as leaves, forward, backward) and
 * takes the difference, so any cell, including a user's, is accounted for exactly. A per-step loss adds its own
 * buffers to every step on top.
 *
 * @param bytesPerStep     pooled bytes one more recorded step adds at the peak (values and the gradients in flight)
 * @param segmentBaseBytes the rest of a segment's peak (the leaves of its initial state, gradients of its end)
 * @param stateBytes       bytes of one state (all parts) kept as a checkpoint
 */
public record StepMemory(long bytesPerStep, long segmentBaseBytes, long stateBytes) {

    /** Peak pooled bytes of one recorded segment of {@code steps} steps. */
    public long segmentBytes(int steps) {
        return segmentBaseBytes + steps * bytesPerStep;
    }

    /**
     * Measures {@code cell} at batch size {@code batch} on a throw-away tape (two short recordings, zero inputs, a
     * backward each). The parameters' gradients are left as they were (a parameter without one gets a zero one).
     */
    public static <S extends CellState> StepMemory probe(Cell<S> cell, int batch) {
        Objects.requireNonNull(cell, "cell");
        if (batch < 1) {
            throw new IllegalArgumentException("step memory: batch size " + batch + "; need at least 1");
        }
        Tape tape = new Tape(cell.dtype());
        S zero = cell.initialState(tape, batch);
        long stateBytes = 0;
        for (Var p : zero.parts()) {
            stateBytes += (long) p.rows() * p.cols() * Double.BYTES;   // a CarriedState keeps doubles, whatever the tape's type
        }
        tape.reset();
        // Two and three steps, not one and two: from its second use on, a weight is held packed for the products
        // (PackedOperand), a fixed cost of the segment that a one-step recording does not have.
        long two = probeSegment(tape, cell, batch, 2);
        long three = probeSegment(tape, cell, batch, 3);
        return new StepMemory(three - two, two - 2 * (three - two), stateBytes);
    }

    private static <S extends CellState> long probeSegment(Tape tape, Cell<S> cell, int batch, int steps) {
        try {
            S zero = cell.initialState(tape, batch);
            List<Var> parts = new ArrayList<>();
            for (Var p : zero.parts()) {
                parts.add(tape.variable(p.value()));
            }
            S s = cell.withParts(parts);
            CarriedState seed = CarriedState.of(zero);
            double[][] x = new double[batch][cell.inputSize()];
            for (int t = 0; t < steps; t++) {
                s = cell.step(tape, tape.constant(x), s);
            }
            // backward, as the run does (a parameter's gradient accumulates in its own buffer, not a pooled one);
            // the parameters' gradients are put back as they were.
            List<double[]> saved = new ArrayList<>();
            for (Parameter p : cell.parameters()) {
                double[][] copy = new double[1][];
                p.readGrad(g -> copy[0] = g.clone());
                saved.add(copy[0]);
            }
            try {
                tape.backward(CheckpointedBptt.seededSum(s, seed));
                return tape.peakBytesHeld();
            } finally {
                for (int k = 0; k < saved.size(); k++) {
                    double[] g = saved.get(k);
                    cell.parameters().get(k).updateGrad(target -> System.arraycopy(g, 0, target, 0, g.length));
                }
            }
        } finally {
            tape.reset();
        }
    }
}
