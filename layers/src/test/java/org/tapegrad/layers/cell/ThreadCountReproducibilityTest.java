package org.tapegrad.layers.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Forward + backward through time of each recurrent cell (and of a fused LSTM and GRU), in float64 and float32, on a
 * tape whose products are split over two threads and whose weight gradients are queued to the second
 * ({@code Tape.setOverlapWeightGradients}, on by default), gives the bits of the same run on one thread: loss and every parameter gradient. The shape (B=32, H=96) makes every
 * per-step product large enough to be split (engine's {@code GemmThreadsTest} shows that such products do run on
 * both threads).
 */
class ThreadCountReproducibilityTest {

    private static final int BATCH = 32;
    private static final int INPUT = 24;
    private static final int HIDDEN = 96;
    private static final int STEPS = 4;

    @Test
    void lstmGruAndRnnGradientsDoNotDependOnTheThreadCount() {
        assumeTrue(Kernels.maxThreads() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        Kernels one = Kernels.defaults().withGemm(Kernels.gemm(null, 1));
        Kernels two = Kernels.defaults().withGemm(Kernels.gemm(null, 2));
        List<Supplier<Cell<?>>> cells = List.of(
                () -> new LstmCell("lstm", INPUT, HIDDEN, new Random(3)),
                () -> new GruCell("gru", INPUT, HIDDEN, GruCell.Variant.LINEAR_BEFORE_RESET, new Random(3)),
                () -> new RnnCell("rnn", INPUT, HIDDEN, RnnCell.Activation.TANH, new Random(3)),
                // its step's element-wise run (5 transcendental and 2 arithmetic passes over B·H) is split over the threads
                () -> FusedCell.of(new LstmCell("lstm", INPUT, HIDDEN, new Random(3))),
                // its weights and biases side by side: their gradients are queued and the concatenation waits for them
                () -> FusedCell.of(new GruCell("gru", INPUT, HIDDEN, GruCell.Variant.LINEAR_BEFORE_RESET, new Random(3))));
        for (DType dtype : DType.values()) {
            for (Supplier<Cell<?>> cell : cells) {
                double[] expected = run(cell.get(), one, dtype);
                for (int repeat = 0; repeat < 2; repeat++) {
                    assertArrayEquals(expected, run(cell.get(), two, dtype), cell.get().getClass().getSimpleName() + " " + dtype + " run " + repeat);
                }
            }
        }
    }

    /** The loss followed by every parameter gradient, flattened. */
    private static <S extends CellState> double[] run(Cell<S> cell, Kernels kernels, DType dtype) {
        cell.convertTo(dtype);
        Tape tape = new Tape(kernels, dtype);
        Random random = new Random(11);
        List<Var> inputs = new ArrayList<>();
        for (int t = 0; t < STEPS; t++) {
            R064Store x = R064Store.FACTORY.make(BATCH, INPUT);
            for (int i = 0; i < x.data.length; i++) {
                x.data[i] = 2 * random.nextDouble() - 1;
            }
            inputs.add(tape.constant(x));
        }
        Var loss = Unroll.run(cell, tape, inputs, cell.initialState(tape, BATCH)).finalState().output().sum();
        tape.backward(loss);
        List<Double> bits = new ArrayList<>();
        bits.add(loss.item());
        for (Parameter p : cell.parameters()) {
            for (double[] row : Layout.toRowMajor(p.grad())) {
                for (double v : row) {
                    bits.add(v);
                }
            }
        }
        return bits.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
