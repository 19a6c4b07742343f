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
 * takes {@code stateBytes}. Measured, not guessed: {@link #probe} records three and four steps of the cell at the real
 * batch size the way {@link CheckpointedBptt} records a segment (input and state as leaves, forward, backward) and
 * takes the difference, so any cell, including a user's, is accounted for exactly. A per-step loss adds its own
 * buffers to every step on top.
 *
 * <p>Three and four steps, not fewer: a weight used as the right operand of a product is packed for the GEMM kernel
 * on its second use in each orientation ({@code W} forward, {@code Wᵀ} backward), and whether such panels are made
 * at all depends on the batch against the kernel's tile height, so the peaks of the shortest recordings carry
 * panels in a way longer ones do not (AVX2, LSTM I=3, H=4, float64, B=8: 5952, 5568, then 5056 bytes for every
 * further step). From the third step on each step adds the same bytes (tested over cells, element types and batch
 * sizes at and around the tile heights), and the line through three and four steps lies above the first two.
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
        long three = probeSegment(tape, cell, batch, 3);
        long four = probeSegment(tape, cell, batch, 4);
        return new StepMemory(four - three, three - 3 * (four - three), stateBytes);
    }

    /** The pool's peak over one recorded segment of {@code steps} steps of {@code cell}, forward and backward. */
    static <S extends CellState> long probeSegment(Tape tape, Cell<S> cell, int batch, int steps) {
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
