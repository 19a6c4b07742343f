package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.fuse.FusedStep;
import org.tapegrad.fuse.NotFusableException;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.op.DType;
import org.tapegrad.op.Shape;

/**
 * A fused step whose products share left operands (so its weights are put side by side and its weight gradients go
 * to the queue whole, the concatenation waiting for them midway through the pass) gives the bits of one thread with
 * every share of those products' columns kept by the pass's thread ({@link DeferredShare}), and with the share the
 * tape finds itself over repeated passes.
 */
class FusedStepShareTest {

    private static final int BATCH = 24;
    private static final int INPUT = 20;
    private static final int HIDDEN = 96;
    private static final int STEPS = 6;

    @Test
    void everyShareGivesTheBitsOfOneThread() throws NotFusableException {
        assumeTrue(Kernels.maxThreads() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        for (DType dtype : DType.values()) {
            double[] expected = new Model(dtype).pass(new Tape(Kernels.defaults().withGemm(Kernels.gemm(null, 1)), dtype));
            Model m = new Model(dtype);
            Tape tape = new Tape(Kernels.defaults().withGemm(Kernels.gemm(null, 2)), dtype);
            for (int steps : new int[] {0, 6, 11, DeferredShare.MAX_STEPS, -1, -1, -1, -1}) {
                if (steps >= 0) {
                    tape.deferredShare().setSteps(steps);
                }
                int share = tape.deferredShare().steps();
                assertArrayEquals(expected, m.pass(tape), dtype + ", share " + share + "/" + DeferredShare.STEPS);
            }
        }
    }

    /** {@code h' = tanh(h·Ua + x·Wa + ba) ⊙ σ(h·Ub + x·Wb)}, fused, over {@value #STEPS} steps; loss Σ h_T². */
    private static final class Model {
        final List<Parameter> params = new ArrayList<>();
        final FusedStep step;
        final List<R064Store> xs = new ArrayList<>();

        Model(DType dtype) throws NotFusableException {
            Random r = new Random(31);
            Parameter ua = random("ua", HIDDEN, HIDDEN, 0.1, r).to(dtype);
            Parameter ub = random("ub", HIDDEN, HIDDEN, 0.1, r).to(dtype);
            Parameter wa = random("wa", INPUT, HIDDEN, 0.2, r).to(dtype);
            Parameter wb = random("wb", INPUT, HIDDEN, 0.2, r).to(dtype);
            Parameter ba = random("ba", 1, HIDDEN, 0.1, r).to(dtype);
            params.addAll(List.of(ua, ub, wa, wb, ba));
            step = FusedStep.compile("gated", (tape, x, state) -> {
                Var h = state.get(0);
                Var a = h.matmul(tape.param(ua)).plus(x.matmul(tape.param(wa))).plus(tape.param(ba)).tanh();
                Var b = h.matmul(tape.param(ub)).plus(x.matmul(tape.param(wb))).sigmoid();
                return List.of(a.times(b));
            }, params, Shape.of(BATCH, INPUT), List.of(Shape.of(BATCH, HIDDEN)));
            for (int t = 0; t < STEPS; t++) {
                R064Store x = R064Store.FACTORY.make(BATCH, INPUT);
                for (int i = 0; i < x.data.length; i++) {
                    x.data[i] = 2 * r.nextDouble() - 1;
                }
                xs.add(x);
            }
        }

        /** One forward + backward on {@code tape}, then a reset: the loss and every gradient. */
        double[] pass(Tape tape) {
            params.forEach(Parameter::zeroGrad);
            Var h = tape.filled(BATCH, HIDDEN, 0.0);
            for (R064Store x : xs) {
                h = step.apply(tape, tape.constant(x), List.of(h)).get(0);
            }
            Var loss = h.times(h).sum();
            tape.backward(loss);
            List<Double> bits = new ArrayList<>();
            bits.add(loss.item());
            for (Parameter p : params) {
                for (int j = 0; j < p.shape().cols(); j++) {
                    for (int i = 0; i < p.shape().rows(); i++) {
                        bits.add(p.grad().doubleValue(i, j));
                    }
                }
            }
            tape.reset();
            return bits.stream().mapToDouble(Double::doubleValue).toArray();
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
}
