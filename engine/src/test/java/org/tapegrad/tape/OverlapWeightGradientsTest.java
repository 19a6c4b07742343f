package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.op.DType;

/**
 * {@link Tape#setOverlapWeightGradients}: weight and bias gradients queued to a worker give the bits of one thread, for
 * weights used only by affine ops and for a weight also used elsewhere (which is then not queued), and the output
 * gradients kept for the queue go back to the pool at the end of the pass.
 */
class OverlapWeightGradientsTest {

    private static final int BATCH = 24;
    private static final int INPUT = 40;
    private static final int HIDDEN = 96;
    private static final int STEPS = 12;

    @Test
    void overlappedPassesHaveTheBitsOfOneThread() {
        assumeTrue(Kernels.maxThreads() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        Kernels one = Kernels.defaults().withGemm(Kernels.gemm(null, 1));
        Kernels two = Kernels.defaults().withGemm(Kernels.gemm(null, 2));
        for (DType dtype : DType.values()) {
            for (boolean penalty : new boolean[] {false, true}) {
                double[] expected = run(one, dtype, penalty, true);
                assertArrayEquals(expected, run(two, dtype, penalty, false), dtype + " penalty " + penalty + ", overlap off");
                for (int repeat = 0; repeat < 3; repeat++) {
                    assertArrayEquals(expected, run(two, dtype, penalty, true), dtype + " penalty " + penalty + ", overlap on, run " + repeat);
                }
            }
        }
    }

    @Test
    void everyShareKeptByThePassesThreadGivesTheBitsOfOneThread() {
        assumeTrue(Kernels.maxThreads() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        Kernels one = Kernels.defaults().withGemm(Kernels.gemm(null, 1));
        Kernels two = Kernels.defaults().withGemm(Kernels.gemm(null, 2));
        for (DType dtype : DType.values()) {
            double[] expected = run(one, dtype, false, true);
            Model m = new Model(dtype);
            Tape tape = new Tape(two, dtype);
            // 0, 16, 32 and 48 of the 96 columns kept (DeferredShare.keptColumns), then the share the tape finds itself
            for (int steps : new int[] {0, 6, 11, DeferredShare.MAX_STEPS, -1, -1, -1, -1}) {
                if (steps >= 0) {
                    tape.deferredShare().setSteps(steps);
                }
                int share = tape.deferredShare().steps();
                m.zero();
                Var loss = m.loss(tape, false);
                tape.backward(loss);
                assertArrayEquals(expected, bits(loss, m), dtype + ", share " + share + "/" + DeferredShare.STEPS);
                tape.reset();
            }
        }
    }

    @Test
    void unbalancedPassesLeaveTheShareAloneAndHaveTheBitsOfOneThread() {
        assumeTrue(Kernels.maxThreads() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        double[] expected = run(Kernels.defaults().withGemm(Kernels.gemm(null, 1)), DType.F32, false, true);
        Model m = new Model(DType.F32);
        Tape tape = new Tape(Kernels.defaults().withGemm(Kernels.gemm(null, 2)), DType.F32);
        assertTrue(tape.balancesWeightGradients(), "on by default");
        tape.setBalanceWeightGradients(false);
        tape.deferredShare().setSteps(8);
        for (int pass = 0; pass < 3; pass++) {
            m.zero();
            Var loss = m.loss(tape, false);
            tape.backward(loss);
            assertArrayEquals(expected, bits(loss, m), "pass " + pass);
            assertEquals(8, tape.deferredShare().steps(), "an unbalanced pass does not move the share");
            tape.reset();
        }
    }

    @Test
    void keptGradientsGoBackToThePoolAtTheEnd() {
        Kernels two = Kernels.defaults().withGemm(Kernels.gemm(null, 2));
        long[] held = new long[2];
        for (int k = 0; k < 2; k++) {
            Tape tape = new Tape(two, DType.F64);
            tape.setOverlapWeightGradients(k == 1);
            Model m = new Model(DType.F64);
            m.zero();
            tape.backward(m.loss(tape, false));
            held[k] = tape.bytesHeld();
        }
        assertEquals(held[0], held[1], "bytes held after the pass, overlap off / on");
    }

    private static double[] run(Kernels kernels, DType dtype, boolean penalty, boolean overlap) {
        Model m = new Model(dtype);
        m.zero();
        Tape tape = new Tape(kernels, dtype);
        tape.setOverlapWeightGradients(overlap);
        Var loss = m.loss(tape, penalty);
        tape.backward(loss);
        return bits(loss, m);
    }

    /** The loss and every parameter's gradient. */
    private static double[] bits(Var loss, Model m) {
        List<Double> bits = new ArrayList<>();
        bits.add(loss.item());
        for (Parameter p : m.all()) {
            for (int j = 0; j < p.shape().cols(); j++) {
                for (int i = 0; i < p.shape().rows(); i++) {
                    bits.add(p.grad().doubleValue(i, j));
                }
            }
        }
        return bits.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A tanh RNN large enough for its products to split: W, U, b only in affine slots unless {@code penalty}. */
    private static final class Model {
        final Parameter w;
        final Parameter u;
        final Parameter b;
        final Parameter v;
        final List<R064Store> xs = new ArrayList<>();

        Model(DType dtype) {
            Random r = new Random(23);
            w = random("w", INPUT, HIDDEN, 0.2, r).to(dtype);
            u = random("u", HIDDEN, HIDDEN, 0.15, r).to(dtype);
            b = random("b", 1, HIDDEN, 0.1, r).to(dtype);
            v = random("v", HIDDEN, 1, 0.3, r).to(dtype);
            for (int t = 0; t < STEPS; t++) {
                R064Store x = R064Store.FACTORY.make(BATCH, INPUT);
                for (int i = 0; i < BATCH; i++) {
                    for (int j = 0; j < INPUT; j++) {
                        x.set(i, j, 2 * r.nextDouble() - 1);
                    }
                }
                xs.add(x);
            }
        }

        List<Parameter> all() {
            return List.of(w, u, b, v);
        }

        void zero() {
            all().forEach(Parameter::zeroGrad);
        }

        Var loss(Tape tape, boolean penalty) {
            Var h = tape.filled(BATCH, HIDDEN, 0.0);
            // U also used outside an affine, recorded first so that its VJP runs last, after every step's: its
            // gradient must then stay on the pass's thread, or the penalty would be added in another order
            Var loss = penalty ? tape.param(u).times(tape.param(u)).sum().times(1e-3) : null;
            for (R064Store x : xs) {
                h = Ops.affine(tape.param(b), tape.constant(x), tape.param(w), h, tape.param(u)).tanh();
                Var y = h.matmul(tape.param(v));
                Var term = y.times(y).sum();
                loss = loss == null ? term : loss.plus(term);
            }
            return loss;
        }

        private static Parameter random(String name, int rows, int cols, double scale, Random r) {
            double[][] a = new double[rows][cols];
            for (double[] row : a) {
                for (int j = 0; j < cols; j++) {
                    row[j] = scale * (2 * r.nextDouble() - 1);
                }
            }
            return Parameter.of(name, a);
        }
    }

    @Test
    void overlapIsOnByDefaultAndCanBeTurnedOff() {
        Tape tape = new Tape();
        assertTrue(tape.overlapsWeightGradients());
        tape.setOverlapWeightGradients(false);
        assertTrue(!tape.overlapsWeightGradients());
    }
}
