package org.tapegrad.layers.seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.FusedCell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.op.DType;
import org.tapegrad.tape.BatchShards;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * The built-in cells and a fused cell unrolled in {@link BatchShards}: the whole batch's gradients up to rounding, and
 * the same bits whether the shards run on one thread or two (fused steps keep their per-step state per thread).
 */
class BatchShardsCellsTest {

    private static final int BATCH = 12;
    private static final int INPUT = 5;
    private static final int HIDDEN = 9;
    private static final int STEPS = 7;

    @Test
    void shardedUnrollsMatchTheWholeBatchOnAnyThreadCount() {
        List<Supplier<Cell<?>>> cells = List.of(
                () -> new LstmCell("lstm", INPUT, HIDDEN, new Random(2)),
                () -> FusedCell.of(new GruCell("gru", INPUT, HIDDEN, GruCell.Variant.LINEAR_BEFORE_RESET, new Random(2))),
                () -> FusedCell.of(new LstmCell("lstm", INPUT, HIDDEN, new Random(2))));
        List<R064Store> xs = inputs();
        for (DType dtype : DType.values()) {
            for (Supplier<Cell<?>> make : cells) {
                Cell<?> cell = make.get();
                cell.convertTo(dtype);
                double[] whole = whole(cell, xs, dtype);
                double[] one = sharded(cell, xs, new BatchShards(BATCH, 3, Kernels.defaults(), dtype, 1));
                double tolerance = dtype == DType.F64 ? 1e-12 : 1e-5;
                for (int i = 0; i < whole.length; i++) {
                    assertEquals(whole[i], one[i], tolerance * Math.max(1, Math.abs(whole[i])), cell + " " + dtype + " element " + i);
                }
                if (Kernels.maxThreads() >= 2) {
                    assertArrayEquals(one, sharded(cell, xs, new BatchShards(BATCH, 3, Kernels.defaults(), dtype, 2)), cell + " " + dtype + ": 2 threads");
                }
            }
        }
    }

    private static List<R064Store> inputs() {
        Random r = new Random(8);
        List<R064Store> xs = new ArrayList<>();
        for (int t = 0; t < STEPS; t++) {
            R064Store x = R064Store.FACTORY.make(BATCH, INPUT);
            for (int i = 0; i < x.data.length; i++) {
                x.data[i] = r.nextGaussian();
            }
            xs.add(x);
        }
        return xs;
    }

    private static <S extends CellState> Var loss(Cell<S> cell, Tape tape, List<R064Store> xs) {
        List<Var> in = xs.stream().map(tape::constant).toList();
        Var h = Unroll.run(cell, tape, in, cell.initialState(tape, xs.get(0).getRowDim())).finalState().output();
        return h.times(h).sum();
    }

    private static double[] whole(Cell<?> cell, List<R064Store> xs, DType dtype) {
        cell.parameters().forEach(Parameter::zeroGrad);
        Tape tape = new Tape(dtype);
        Var loss = loss(cell, tape, xs);
        tape.backward(loss);
        return flat(loss.item(), cell);
    }

    private static double[] sharded(Cell<?> cell, List<R064Store> xs, BatchShards shards) {
        cell.parameters().forEach(Parameter::zeroGrad);
        double loss = shards.backward((shard, tape) -> loss(cell, tape, shard.rowsOfSteps(xs)));
        return flat(loss, cell);
    }

    private static double[] flat(double loss, Cell<?> cell) {
        List<Double> out = new ArrayList<>();
        out.add(loss);
        for (Parameter p : cell.parameters()) {
            for (int i = 0; i < p.shape().rows(); i++) {
                for (int j = 0; j < p.shape().cols(); j++) {
                    out.add(p.grad().doubleValue(i, j));
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
