package org.tapegrad.bench.fused;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** The hand-written BPTT must give the tape's loss and parameter gradients, so timing one against the other is fair. */
class FusedLstmTest {

    private static final int B = 3;
    private static final int I = 4;
    private static final int H = 5;
    private static final int T = 6;

    private final Random random = new Random(20240611L);
    private final LstmCell cell = new LstmCell("lstm", I, H, random);
    private final R064Store[] xs = randomInputs(random);
    // The fused reference reads raw stores: copies of the cell's weights.
    private final R064Store wx = R064Store.FACTORY.copy(cell.wx().value());
    private final R064Store wh = R064Store.FACTORY.copy(cell.wh().value());
    private final R064Store b = R064Store.FACTORY.copy(cell.b().value());

    @Test
    void sumOfSquaredHiddenStatesMatchesTheTape() {
        Tape tape = new Tape();
        Unrolled<LstmState> run = unrollOnTape(tape);
        Var loss = null;
        for (Var h : run.outputs()) {
            Var term = h.times(h).sum();
            loss = loss == null ? term : loss.plus(term);
        }
        tape.backward(loss);

        FusedLstm fused = new FusedLstm(Kernels.defaults(), B, I, H, T);
        fused.forward(xs, wx, wh, b);
        double fusedLoss = 0;
        R064Store[] dh = new R064Store[T];
        for (int t = 1; t <= T; t++) {
            R064Store h = fused.hidden(t);
            dh[t - 1] = R064Store.FACTORY.make(B, H);
            for (int n = 0; n < B * H; n++) {
                fusedLoss += h.data[n] * h.data[n];
                dh[t - 1].data[n] = 2 * h.data[n];
            }
        }
        fused.backward(xs, wh, dh);

        assertEquals(loss.item(), fusedLoss, 1e-10 * Math.abs(loss.item()), "loss");
        assertClose(cell.wx().grad(), fused.gradWx(), "dL/dWx");
        assertClose(cell.wh().grad(), fused.gradWh(), "dL/dWh");
        assertClose(cell.b().grad(), fused.gradB(), "dL/db");
    }

    @Test
    void sumOfTheLastHiddenStateMatchesTheTape() {
        Tape tape = new Tape();
        Unrolled<LstmState> run = unrollOnTape(tape);
        tape.backward(run.outputs().get(T - 1).sum());

        FusedLstm fused = new FusedLstm(Kernels.defaults(), B, I, H, T);
        R064Store[] dh = new R064Store[T];
        dh[T - 1] = R064Store.FACTORY.make(B, H);
        dh[T - 1].fillAll(1.0);
        // Twice: the second pass must not see anything left over from the first.
        for (int pass = 0; pass < 2; pass++) {
            fused.forward(xs, wx, wh, b);
            fused.backward(xs, wh, dh);
        }
        assertClose(cell.wx().grad(), fused.gradWx(), "dL/dWx");
        assertClose(cell.wh().grad(), fused.gradWh(), "dL/dWh");
        assertClose(cell.b().grad(), fused.gradB(), "dL/db");
    }

    @Test
    void recurrentWeightGradientAgreesWithCentralDifferences() {
        FusedLstm fused = new FusedLstm(Kernels.defaults(), B, I, H, T);
        R064Store[] dh = new R064Store[T];
        dh[T - 1] = R064Store.FACTORY.make(B, H);
        dh[T - 1].fillAll(1.0);
        fused.forward(xs, wx, wh, b);
        fused.backward(xs, wh, dh);
        double step = 1e-6;
        for (int k = 0; k < wh.data.length; k += 7) {
            double saved = wh.data[k];
            wh.data[k] = saved + step;
            double up = lastHiddenSum(fused);
            wh.data[k] = saved - step;
            double down = lastHiddenSum(fused);
            wh.data[k] = saved;
            double numeric = (up - down) / (2 * step);
            assertEquals(numeric, fused.gradWh().data[k], 1e-7 + 1e-6 * Math.abs(numeric), "dL/dWh element " + k);
        }
    }

    @Test
    void wrongShapesAreRejectedNamingTheArgument() {
        FusedLstm fused = new FusedLstm(Kernels.defaults(), B, I, H, T);
        R064Store wrongWh = R064Store.FACTORY.make(H, 3 * H);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fused.forward(xs, wx, wrongWh, b));
        assertTrue(e.getMessage().contains("wh is 5×15, expected 5×20"), e.getMessage());
    }

    private double lastHiddenSum(FusedLstm fused) {
        fused.forward(xs, wx, wh, b);
        double s = 0;
        for (double v : fused.hidden(T).data) {
            s += v;
        }
        return s;
    }

    private Unrolled<LstmState> unrollOnTape(Tape tape) {
        List<Var> inputs = new ArrayList<>();
        for (R064Store x : xs) {
            inputs.add(tape.constant(x));
        }
        return Unroll.run(cell, tape, inputs, cell.initialState(tape, B));
    }

    private static R064Store[] randomInputs(Random random) {
        R064Store[] xs = new R064Store[T];
        for (int t = 0; t < T; t++) {
            xs[t] = R064Store.FACTORY.make(B, I);
            for (int n = 0; n < B * I; n++) {
                xs[t].data[n] = 2 * random.nextDouble() - 1;
            }
        }
        return xs;
    }

    /** Agreement to 1e-10 relative to the largest element of the expected gradient. */
    private static void assertClose(MatrixStore<Double> expected, R064Store actual, String what) {
        double scale = 0;
        for (long k = 0; k < expected.count(); k++) {
            scale = Math.max(scale, Math.abs(expected.doubleValue(k)));
        }
        assertTrue(scale > 0, what + ": the tape's gradient is all zero, nothing is compared");
        for (long k = 0; k < expected.count(); k++) {
            assertEquals(expected.doubleValue(k), actual.doubleValue(k), 1e-10 * scale, what + " element " + k);
        }
    }
}
