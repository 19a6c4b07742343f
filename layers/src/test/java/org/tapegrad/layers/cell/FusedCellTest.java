package org.tapegrad.layers.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.layers.check.CellProperties;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.zoo.IndRnn;
import org.tapegrad.layers.zoo.LayerNormLstm;
import org.tapegrad.layers.zoo.MinimalGatedUnit;
import org.tapegrad.layers.zoo.MogrifierLstm;
import org.tapegrad.layers.zoo.PeepholeLstm;
import org.tapegrad.layers.zoo.Sru;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** A fused cell is the same cell: the built-in and zoo cells, fused or not, give the same losses and gradients. */
class FusedCellTest {

    private static final int B = 3;
    private static final int I = 4;
    private static final int H = 5;
    private static final int T = 4;

    private static List<Cell<?>> cells() {
        Random r = new Random(11);
        return List.of(new LstmCell("lstm", I, H, 1.0, r), new GruCell("gru", I, H, GruCell.Variant.LINEAR_BEFORE_RESET, r),
                new GruCell("gru0", I, H, GruCell.Variant.RESET_BEFORE_MATMUL, r), new RnnCell("rnn", I, H, RnnCell.Activation.TANH, r),
                new RnnCell("relu", I, H, RnnCell.Activation.RELU, r), new MinimalGatedUnit("mgu", I, H, r),
                new PeepholeLstm("peep", I, H, PeepholeLstm.Variant.V, r), new IndRnn("ind", I, H, r), new Sru("sru", I, H, r),
                new MogrifierLstm("mog", I, H, 3, r), new LayerNormLstm("ln", I, H, r),
                new StackedCell(List.of(new LstmCell("l0", I, H, r), new GruCell("l1", H, H, GruCell.Variant.LINEAR_BEFORE_RESET, r))));
    }

    @Test
    void everyCellGivesTheSameLossAndGradientsFusedOrNot() {
        List<String> fusedNames = new ArrayList<>();
        for (Cell<?> cell : cells()) {
            FusedCell<?> fused = FusedCell.of(cell);
            double[][] plain = lossAndGradients(cell);
            double[][] viaFusion = lossAndGradients(fused);
            double scale = 1;
            for (double[] row : plain) {
                for (double v : row) {
                    scale = Math.max(scale, Math.abs(v));
                }
            }
            for (int k = 0; k < plain.length; k++) {
                for (int i = 0; i < plain[k].length; i++) {
                    assertEquals(plain[k][i], viaFusion[k][i], 1e-12 * scale, cell + ": value " + k + ", element " + i);
                }
            }
            if (fused.unfusedReason().isEmpty()) {
                fusedNames.add(cell.getClass().getSimpleName());
            }
        }
        // the cells written with the ops the rewriter knows do run fused
        assertTrue(fusedNames.containsAll(List.of("LstmCell", "GruCell", "RnnCell", "MinimalGatedUnit")), fusedNames.toString());
    }

    @Test
    void onAFloat32TapeTheFusedCellMatchesTheUnfusedOneWithinFloatRounding() {
        LstmCell lstm = new LstmCell("lstm", I, H, 1.0, new Random(12));
        lstm.convertTo(DType.F32);
        double[][] plain = lossAndGradients(lstm, DType.F32);
        double[][] viaFusion = lossAndGradients(FusedCell.of(lstm), DType.F32);
        for (int k = 0; k < plain.length; k++) {
            for (int i = 0; i < plain[k].length; i++) {
                assertEquals(plain[k][i], viaFusion[k][i], 1e-5 * Math.max(1, Math.abs(plain[0][0])), "value " + k + ", element " + i);
            }
        }
    }

    private static <S extends CellState> double[][] lossAndGradients(Cell<S> cell) {
        return lossAndGradients(cell, DType.F64);
    }

    /** Loss, then the gradient of every parameter and of every input, each flattened; padded batch (lengths 4, 2, 1). */
    private static <S extends CellState> double[][] lossAndGradients(Cell<S> cell, DType dtype) {
        Tape tape = new Tape(dtype);
        Random r = new Random(5);
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < T; t++) {
            double[][] x = new double[B][I];
            for (double[] row : x) {
                for (int j = 0; j < I; j++) {
                    row[j] = 2 * r.nextDouble() - 1;
                }
            }
            xs.add(tape.variable(x));
        }
        List<Var> outputs = Unroll.fromZero(cell, tape, xs, new int[] {4, 2, 1}).outputs();
        Var loss = null;
        for (int t = 0; t < T; t++) {
            Var term = outputs.get(t).times(tape.filled(B, cell.hiddenSize(), 0.5 + t)).sum();
            loss = loss == null ? term : loss.plus(term);
        }
        Gradients g = tape.gradients(loss, null);
        List<double[]> out = new ArrayList<>();
        out.add(new double[] {loss.item()});
        for (Parameter p : cell.parameters()) {
            out.add(flat(g.of(p)));
        }
        for (Var x : xs) {
            out.add(flat(g.of(x)));
        }
        return out.toArray(new double[0][]);
    }

    private static double[] flat(MatrixStore<Double> m) {
        double[] a = new double[(int) m.count()];
        for (int i = 0; i < a.length; i++) {
            a[i] = m.doubleValue(i);
        }
        return a;
    }

    @Test
    void aCellTheRewriterCannotFuseRunsUnfusedWithOneLogNote() {
        List<LogRecord> notes = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                notes.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("org.tapegrad.fuse");
        logger.addHandler(handler);
        try {
            FusedCell<?> fused = FusedCell.of(new LayerNormLstm("ln", I, H, new Random(1)));
            for (int batch = 1; batch <= 2; batch++) {   // two shapes: two compilations, one note
                runOnce(fused, batch);
            }
            assertTrue(fused.unfusedReason().isPresent());
            assertEquals(1, notes.size(), notes.toString());
            assertTrue(notes.get(0).getMessage().contains(fused.unfusedReason().get()), notes.get(0).getMessage());
        } finally {
            logger.removeHandler(handler);
        }
    }

    private static <S extends CellState> void runOnce(Cell<S> cell, int batch) {
        Tape tape = new Tape();
        cell.step(tape, tape.filled(batch, I, 0.25), cell.initialState(tape, batch));
    }

    @Test
    void aFusedCellPassesTheCellGradientProperties() {
        CellProperties.forCell(z -> FusedCell.of(new LstmCell("lstm", z.inputs(), z.hidden(), new Random(z.seed())))).examples(10).check();
        CellProperties.forCell(z -> FusedCell.of(new MinimalGatedUnit("mgu", z.inputs(), z.hidden(), new Random(z.seed())))).examples(10).check();
    }

    @Test
    void wrappingTwiceIsWrappingOnce() {
        FusedCell<LstmState> once = FusedCell.of(new LstmCell("lstm", I, H, new Random(1)));
        assertTrue(FusedCell.of(once) == once);
        assertFalse(once.unfused() instanceof FusedCell);
    }
}
