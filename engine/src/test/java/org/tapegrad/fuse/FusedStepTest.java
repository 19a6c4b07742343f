package org.tapegrad.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** What the rewriter makes of an LSTM written the obvious way, and how it refuses what it does not know. */
class FusedStepTest {

    static final int B = 3;
    static final int I = 4;
    static final int H = 5;

    /** An LSTM with one matmul per gate and input: eight products, four biases, separate element-wise ops. */
    static final class NaiveLstm implements StepFunction {
        final List<Parameter> parameters = new ArrayList<>();
        final Parameter[] w = new Parameter[4];
        final Parameter[] u = new Parameter[4];
        final Parameter[] b = new Parameter[4];

        NaiveLstm(Random random) {
            for (int k = 0; k < 4; k++) {
                w[k] = parameter("w" + k, I, H, random);
                u[k] = parameter("u" + k, H, H, random);
                b[k] = parameter("b" + k, 1, H, random);
            }
        }

        private Parameter parameter(String name, int rows, int cols, Random random) {
            Parameter p = new Parameter(name, rows, cols);
            p.assign(randomMatrix(rows, cols, random));
            parameters.add(p);
            return p;
        }

        @Override
        public List<Var> step(Tape tape, Var x, List<Var> state) {
            Var h = state.get(0);
            Var[] gate = new Var[4];
            for (int k = 0; k < 4; k++) {
                gate[k] = x.matmul(w[k]).plus(h.matmul(u[k])).plus(b[k]);
            }
            Var c = gate[1].sigmoid().times(state.get(1)).plus(gate[0].sigmoid().times(gate[2].tanh()));
            return List.of(gate[3].sigmoid().times(c.tanh()), c);
        }
    }

    static double[][] randomMatrix(int rows, int cols, Random random) {
        double[][] v = new double[rows][cols];
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = 2 * random.nextDouble() - 1;
            }
        }
        return v;
    }

    static FusedStep compile(StepFunction step, List<Parameter> parameters) throws NotFusableException {
        return FusedStep.compile("test", step, parameters, Shape.of(B, I), List.of(Shape.of(B, H), Shape.of(B, H)));
    }

    @Test
    void theEightProductsOfANaiveLstmBecomeOneItsActivationsRunInPlaceAndItsStateUpdateIsOnePass() throws NotFusableException {
        NaiveLstm lstm = new NaiveLstm(new Random(1));
        FusedStep fused = compile(lstm, lstm.parameters);
        assertEquals(1, fused.products(), fused.describe());
        // saved per step: the B×4H product (the activated gates overwrite it), tanh(c), and c in the step's own buffer
        // (its part op hands it out); h is the output, and f⊙c + i⊙g, written as two times and a plus, is one
        // product-sum pass straight into c
        assertEquals(B * 4 * H + B * H + B * H, fused.savedElementsPerStep(), fused.describe());
    }

    /**
     * The cell state is a tape value of its own (no slice of a packed output): a loss that reads only c_T, or only h_T,
     * gets the unfused gradients, and so does a second pass over the same recording.
     */
    @Test
    void eachStatePartIsAValueOfItsOwnWhoseGradientReachesTheStepAloneAndInRepeatedPasses() throws NotFusableException {
        NaiveLstm lstm = new NaiveLstm(new Random(4));
        FusedStep fused = compile(lstm, lstm.parameters);
        Random random = new Random(5);
        double[][] x0 = randomMatrix(B, I, random);
        double[][] x1 = randomMatrix(B, I, random);
        double[][] h0 = randomMatrix(B, H, random);
        double[][] c0 = randomMatrix(B, H, random);
        for (int readPart = 0; readPart < 2; readPart++) {
            double[][][] expected = new double[3][][];
            for (int fusedRun = 0; fusedRun < 2; fusedRun++) {
                Tape tape = new Tape();
                Var c = tape.variable(c0);
                List<Var> state = List.of(tape.variable(h0), c);
                for (double[][] x : List.of(x0, x1)) {
                    state = fusedRun == 1 ? fused.apply(tape, tape.constant(x), state) : lstm.step(tape, tape.constant(x), state);
                }
                Var loss = state.get(readPart).sum();
                for (int pass = 0; pass < 2; pass++) {
                    org.tapegrad.tape.Gradients g = tape.gradients(loss, null);
                    double[][][] got = {g.of(c).toRawCopy2D(), g.of(lstm.u[1]).toRawCopy2D(), g.of(lstm.w[3]).toRawCopy2D()};
                    for (int k = 0; k < got.length; k++) {
                        if (fusedRun == 0) {
                            expected[k] = got[k];
                        } else {
                            FusedStepProperties.assertClose("part " + readPart + ", pass " + pass + ", gradient " + k, expected[k], got[k]);
                        }
                    }
                }
            }
        }
    }

    /**
     * The step's own instructions read its output when the cell state comes first ({@code [c, h]}: c feeds tanh(c)), so
     * the step adds theirs to a copy of the output's gradient: the unfused gradients of parameters and initial state,
     * and the output value's own gradient is only what its later uses send back (the step's uses of it are inside
     * the fused op), the gradient of the next step run alone from variables holding c₁ and h₁.
     */
    @Test
    void aFirstStatePartThatTheStepReadsItselfGetsTheUnfusedGradients() throws NotFusableException {
        NaiveLstm lstm = new NaiveLstm(new Random(6));
        StepFunction cellFirst = (tape, x, state) -> {
            List<Var> next = lstm.step(tape, x, List.of(state.get(1), state.get(0)));
            return List.of(next.get(1), next.get(0));
        };
        FusedStep fused = compile(cellFirst, lstm.parameters);
        Random random = new Random(7);
        double[][] x = randomMatrix(B, I, random);
        double[][] c0 = randomMatrix(B, H, random);
        double[][] h0 = randomMatrix(B, H, random);
        double[][] readC = randomMatrix(B, H, random);
        double[][] readH = randomMatrix(B, H, random);
        double[][][] expected = new double[2][][];
        double[][][] afterStep1 = new double[2][][];
        double[][][] fusedStep1Grads = new double[2][][];
        for (int fusedRun = 0; fusedRun < 2; fusedRun++) {
            Tape tape = new Tape();
            tape.setRetainGradients(true);
            Var c = tape.variable(c0);
            List<Var> state = List.of(c, tape.variable(h0));
            List<Var> step1 = null;
            for (int t = 0; t < 2; t++) {
                state = fusedRun == 1 ? fused.apply(tape, tape.constant(x), state) : cellFirst.step(tape, tape.constant(x), state);
                step1 = step1 == null ? state : step1;
            }
            Var loss = state.get(0).times(tape.constant(readC)).sum().plus(state.get(1).times(tape.constant(readH)).sum());
            org.tapegrad.tape.Gradients g = tape.gradients(loss, null);
            double[][][] got = {g.of(c).toRawCopy2D(), g.of(lstm.u[2]).toRawCopy2D()};
            for (int k = 0; k < got.length; k++) {
                if (fusedRun == 0) {
                    expected[k] = got[k];
                } else {
                    FusedStepProperties.assertClose("gradient " + k, expected[k], got[k]);
                }
            }
            if (fusedRun == 1) {
                for (int k = 0; k < 2; k++) {
                    afterStep1[k] = step1.get(k).toArray();
                    fusedStep1Grads[k] = g.of(step1.get(k)).toRawCopy2D();
                }
            }
        }
        Tape tape = new Tape();
        List<Var> from = List.of(tape.variable(afterStep1[0]), tape.variable(afterStep1[1]));
        List<Var> state = cellFirst.step(tape, tape.constant(x), from);
        Var loss = state.get(0).times(tape.constant(readC)).sum().plus(state.get(1).times(tape.constant(readH)).sum());
        org.tapegrad.tape.Gradients g = tape.gradients(loss, null);
        FusedStepProperties.assertClose("gradient of c1", g.of(from.get(0)).toRawCopy2D(), fusedStep1Grads[0]);
        FusedStepProperties.assertClose("gradient of h1", g.of(from.get(1)).toRawCopy2D(), fusedStep1Grads[1]);
    }

    @Test
    void anOpTheRewriterDoesNotKnowIsNamed() {
        NaiveLstm lstm = new NaiveLstm(new Random(1));
        StepFunction withSoftmax = (tape, x, state) -> {
            List<Var> next = lstm.step(tape, x, state);
            return List.of(next.get(0).softmax(), next.get(1));
        };
        NotFusableException e = assertThrows(NotFusableException.class, () -> compile(withSoftmax, lstm.parameters));
        assertTrue(e.getMessage().contains("'softmax'"), e.getMessage());
    }

    @Test
    void aConstantMadeInsideTheStepIsRefusedNotFrozen() {
        NaiveLstm lstm = new NaiveLstm(new Random(1));
        StepFunction withConstant = (tape, x, state) -> {
            List<Var> next = lstm.step(tape, x, state);
            return List.of(next.get(0).times(tape.filled(B, H, 0.5)), next.get(1));
        };
        NotFusableException e = assertThrows(NotFusableException.class, () -> compile(withConstant, lstm.parameters));
        assertTrue(e.getMessage().contains("constant"), e.getMessage());
    }

    @Test
    void aParameterMissingFromTheListIsRefused() {
        NaiveLstm lstm = new NaiveLstm(new Random(1));
        NotFusableException e = assertThrows(NotFusableException.class, () -> compile(lstm, lstm.parameters.subList(1, 12)));
        assertTrue(e.getMessage().contains("neither its input, its state, a parameter"), e.getMessage());
    }

    @Test
    void theWeightsSideBySideFollowAParameterUpdateAfterReset() throws NotFusableException {
        NaiveLstm lstm = new NaiveLstm(new Random(1));
        FusedStep fused = compile(lstm, lstm.parameters);
        Random random = new Random(2);
        double[][] x = randomMatrix(B, I, random);
        double[][] h = randomMatrix(B, H, random);
        Tape tape = new Tape();
        for (int round = 0; round < 2; round++) {
            List<Var> state = List.of(tape.constant(h), tape.constant(h));
            double[][] viaFusion = fused.apply(tape, tape.constant(x), state).get(0).toArray();
            double[][] plain = lstm.step(tape, tape.constant(x), state).get(0).toArray();
            FusedStepProperties.assertClose("h after round " + round, plain, viaFusion);
            tape.reset();
            lstm.w[2].assign(randomMatrix(I, H, random));   // what an optimizer does between two recordings
        }
    }

    @Test
    void underNoGradTheFusedStepComputesAndRecordsNothing() throws NotFusableException {
        NaiveLstm lstm = new NaiveLstm(new Random(1));
        FusedStep fused = compile(lstm, lstm.parameters);
        Tape tape = new Tape();
        Random random = new Random(3);
        List<Var> state = List.of(tape.constant(randomMatrix(B, H, random)), tape.constant(randomMatrix(B, H, random)));
        Var x = tape.constant(randomMatrix(B, I, random));
        List<Var> next;
        try (NoGrad off = tape.noGrad()) {
            next = fused.apply(tape, x, state);
        }
        assertEquals(0, tape.size());
        assertFalse(next.get(1).requiresGrad());
        FusedStepProperties.assertClose("c", lstm.step(tape, x, state).get(1).toArray(), next.get(1).toArray());
        // recording again after noGrad: the weights side by side are recorded anew, so gradients reach the parameters
        Var loss = fused.apply(tape, x, state).get(0).sum();
        assertTrue(tape.gradients(loss, null).reached(lstm.w[0]));
    }

    @Test
    void shapesOtherThanTheCompiledOnesAreRejected() throws NotFusableException {
        NaiveLstm lstm = new NaiveLstm(new Random(1));
        FusedStep fused = compile(lstm, lstm.parameters);
        Tape tape = new Tape();
        Var h = tape.filled(B + 1, H, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fused.apply(tape, tape.filled(B + 1, I, 0), List.of(h, h)));
        assertTrue(e.getMessage().contains("compiled for an input [3×4]"), e.getMessage());
    }
}
