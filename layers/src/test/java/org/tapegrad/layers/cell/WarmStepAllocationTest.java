package org.tapegrad.layers.cell;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A warm forward + backward through time of each built-in cell (LSTM, both GRU variants, a ReLU RNN: between them
 * every element-wise loop a cell step runs) allocates only the tape's bookkeeping (tens of KB), in both element
 * types, plain and fused: every Vector API call on its path runs compiled as an intrinsic. When C2 leaves one out of line, the API's
 * Java fallback allocates for every vector it touches; the float kernel's tiles written straight into C did that, and
 * this workload (B=64, I=128, H=512; 5 steps then, 3 now) allocated 66 to 955 MB per call and ran 4× slower (JDK 17.0.15, Zen 5). The shape is the one
 * where it showed: products with 4 slices of the inner dimension (ȳ·W_hᵀ, k = 2048), weights packed once per
 * recording, weight gradients accumulated; fused ({@link FusedCell}), the step's element-wise loops run on the
 * kernel's vector loops as well. One thread, so the whole pass is on the measured thread.
 */
class WarmStepAllocationTest {

    private static final int BATCH = 64;
    private static final int INPUT = 128;
    private static final int HIDDEN = 512;
    private static final int STEPS = 3;
    private static final int ROUNDS = 45;
    /** The last rounds, by when C2 has compiled the hot path; the least of them is compared with the bound. */
    private static final int MEASURED = 12;
    private static final long BOUND_BYTES = 1 << 20;
    private static final long GROWTH_BOUND_BYTES = 16 * 1024;

    @ParameterizedTest(name = "{0}, {1}, fused {2}")
    @CsvSource({"lstm, F64, false", "lstm, F32, false", "lstm, F64, true", "lstm, F32, true",
            "gru, F64, false", "gru, F32, false", "gru, F64, true", "gru, F32, true",
            "gru-reset-first, F64, false", "gru-reset-first, F32, false", "gru-reset-first, F64, true", "gru-reset-first, F32, true",
            "rnn-relu, F64, false", "rnn-relu, F32, false", "rnn-relu, F64, true", "rnn-relu, F32, true"})
    void warmForwardBackwardAllocatesOnlyBookkeeping(String kind, DType dtype, boolean fused) {
        assumeTrue(Kernels.vectorAvailable(), "the Vector API module is not enabled");
        long large = leastWarmAllocation(cell(kind, HIDDEN, dtype, fused), dtype);
        String name = dtype + (fused ? " fused " : " ") + kind;
        assertTrue(large < BOUND_BYTES, () -> name + " B=" + BATCH + " H=" + HIDDEN + ": a warm forward + backward allocated "
                + large + " bytes (at least, over the last " + MEASURED + " of " + ROUNDS + " rounds): some Vector API call on its path "
                + "runs the boxed Java fallback instead of a compiled intrinsic");
        // The same ops on 8× smaller buffers: bookkeeping is per op, so the two must allocate about the same. A
        // fallback in a loop that runs per chunk or per vector grows with the sizes: the activations' range check did
        // on AVX2 (no 64-bit integer max there), 224 KB at H = 512 against 44 KB at H = 64 over 5 steps (it records 3 now).
        long small = leastWarmAllocation(cell(kind, HIDDEN / 8, dtype, fused), dtype);
        assertTrue(large - small < GROWTH_BOUND_BYTES, () -> name + " B=" + BATCH + ": a warm forward + backward allocated "
                + large + " bytes at H=" + HIDDEN + " and " + small + " at H=" + HIDDEN / 8 + ": allocation grows with the buffers, so some "
                + "Vector API operation on the path runs the boxed Java fallback");
    }

    private static Cell<? extends CellState> cell(String kind, int hidden, DType dtype, boolean fused) {
        Random random = new Random(7);
        Cell<? extends CellState> cell = switch (kind) {
            case "lstm" -> new LstmCell(kind, INPUT, hidden, random);
            case "gru" -> new GruCell(kind, INPUT, hidden, GruCell.Variant.LINEAR_BEFORE_RESET, random);
            case "gru-reset-first" -> new GruCell(kind, INPUT, hidden, GruCell.Variant.RESET_BEFORE_MATMUL, random);
            case "rnn-relu" -> new RnnCell(kind, INPUT, hidden, RnnCell.Activation.RELU, random);
            default -> throw new IllegalArgumentException("unknown cell " + kind);
        };
        cell.convertTo(dtype);
        return fused ? FusedCell.of(cell) : cell;
    }

    private static <S extends CellState> long leastWarmAllocation(Cell<S> cell, DType dtype) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Random random = new Random(8);
        Tape tape = new Tape(Kernels.defaults().withGemm(Kernels.gemm("vector", 1)), dtype);
        List<R064Store> xs = new ArrayList<>();
        for (int t = 0; t < STEPS; t++) {
            R064Store x = R064Store.FACTORY.make(BATCH, INPUT);
            for (int i = 0; i < x.data.length; i++) {
                x.data[i] = 2 * random.nextDouble() - 1;
            }
            xs.add(x);
        }
        long least = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (Parameter p : cell.parameters()) {
                p.zeroGrad();
            }
            List<Var> inputs = new ArrayList<>();
            for (R064Store x : xs) {
                inputs.add(tape.constant(x));
            }
            Var loss = Unroll.run(cell, tape, inputs, cell.initialState(tape, BATCH)).finalState().output().sum();
            tape.backward(loss);
            tape.reset();
            if (round >= ROUNDS - MEASURED) {
                least = Math.min(least, bean.getCurrentThreadAllocatedBytes() - before);
            }
        }
        return least;
    }
}
