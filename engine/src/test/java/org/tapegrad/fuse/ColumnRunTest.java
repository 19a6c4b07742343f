package org.tapegrad.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.tapegrad.tape.Ops.affine;
import static org.tapegrad.tape.Ops.productSum;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.check.property.Theories;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.SplitWork;
import org.tapegrad.op.DType;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Column-blocked element-wise runs change no bit: a fused step's values and gradients, float64 and float32, are the
 * same with every instruction one pass over its whole region, with blocks of one column, and with the blocks split
 * over two threads.
 */
class ColumnRunTest {

    /** One pass per instruction, never split: the program as it ran before runs existed. */
    private static final Schedule WHOLE = new Schedule(Long.MAX_VALUE, Long.MAX_VALUE);
    /** One column per block (the smallest blocks), on one thread. */
    private static final Schedule COLUMNS = new Schedule(1, Long.MAX_VALUE);
    /** Small blocks, split over threads whatever the size. */
    private static final Schedule SPLIT = new Schedule(1, 0);
    /** The default block size, split where the tape's own ops split. */
    private static final Schedule TAPE = Schedule.DEFAULT;

    /** LstmCell's step written against the engine: one affine, slices, activations, productSum. */
    private static final class Lstm implements StepFunction {
        final int hidden;
        final Parameter wx;
        final Parameter wh;
        final Parameter b;

        Lstm(int input, int hidden, Random random) {
            this.hidden = hidden;
            wx = parameter("wx", input, 4 * hidden, random);
            wh = parameter("wh", hidden, 4 * hidden, random);
            b = parameter("b", 1, 4 * hidden, random);
        }

        List<Parameter> parameters() {
            return List.of(wx, wh, b);
        }

        @Override
        public List<Var> step(Tape tape, Var x, List<Var> state) {
            int h = hidden;
            Var z = affine(tape.param(b), x, tape.param(wx), state.get(0), tape.param(wh));
            Var c = productSum(z.columns(h, 2 * h).sigmoid(), state.get(1), z.columns(0, h).sigmoid(), z.columns(2 * h, 3 * h).tanh());
            return List.of(z.columns(3 * h, 4 * h).sigmoid().times(c.tanh()), c);
        }

        private static Parameter parameter(String name, int rows, int cols, Random random) {
            Parameter p = new Parameter(name, rows, cols);
            p.assign(FusedStepProperties.random(rows, cols, random));
            return p;
        }
    }

    @Test
    void anLstmStepsElementwiseWorkIsOneRunOfSevenInstructionsInManyBlocks() throws NotFusableException {
        Lstm lstm = new Lstm(3, 8, new Random(1));
        FusedStep fused = FusedStep.compile("lstm", lstm, lstm.parameters(), Shape.of(4, 3), List.of(Shape.of(4, 8), Shape.of(4, 8)), COLUMNS);
        assertTrue(fused.describe().contains("run of 7 over 8 columns in 8 blocks"), fused.describe());
        FusedStep whole = FusedStep.compile("lstm", lstm, lstm.parameters(), Shape.of(4, 3), List.of(Shape.of(4, 8), Shape.of(4, 8)), WHOLE);
        assertTrue(whole.describe().contains("run of 7 over 8 columns in 1 blocks, work "
                + 4 * 8 * (5 * SplitWork.TRANSCENDENTAL + 2 * SplitWork.ARITHMETIC) + ":"), whole.describe());
        // the default: B=64, H=512 is cut into cache-sized blocks; B=1, H=64 is one block
        Lstm wide = new Lstm(2, 512, new Random(2));
        FusedStep big = FusedStep.compile("lstm", wide, wide.parameters(), Shape.of(64, 2),
                List.of(Shape.of(64, 512), Shape.of(64, 512)));
        assertTrue(big.describe().contains("run of 7 over 512 columns in 16 blocks"), big.describe());
        Lstm small = new Lstm(2, 64, new Random(3));
        FusedStep one = FusedStep.compile("lstm", small, small.parameters(), Shape.of(1, 2), List.of(Shape.of(1, 64), Shape.of(1, 64)));
        assertTrue(one.describe().contains("run of 7 over 64 columns in 1 blocks"), one.describe());
    }

    @Test
    void lstmValuesAndGradientsAreBitwiseTheSameInOneColumnBlocksAndOverTwoThreads() throws NotFusableException {
        int batch = 8;
        int input = 5;
        int hidden = 100;   // B·H = 800: the run's work (5 transcendental passes, 2 arithmetic) reaches the tape's threshold
        int steps = 3;
        Lstm lstm = new Lstm(input, hidden, new Random(7));
        List<Shape> state = List.of(Shape.of(batch, hidden), Shape.of(batch, hidden));
        Random values = new Random(8);
        double[][][] xs = new double[steps][][];
        for (int t = 0; t < steps; t++) {
            xs[t] = FusedStepProperties.random(batch, input, values);
        }
        double[][][] s0 = {FusedStepProperties.random(batch, hidden, values), FusedStepProperties.random(batch, hidden, values)};
        double[][][] readout = new double[2 * steps][][];
        for (int k = 0; k < readout.length; k++) {
            readout[k] = FusedStepProperties.random(batch, hidden, values);
        }
        boolean twoThreads = Kernels.maxThreads() >= 2;
        Kernels one = Kernels.defaults().withGemm(Kernels.gemm(null, 1));
        Kernels two = twoThreads ? Kernels.defaults().withGemm(Kernels.gemm(null, 2)) : one;
        for (DType dtype : DType.values()) {
            lstm.parameters().forEach(p -> p.to(dtype));
            FusedStep whole = FusedStep.compile("lstm", lstm, lstm.parameters(), Shape.of(batch, input), state, WHOLE);
            FusedStep columns = FusedStep.compile("lstm", lstm, lstm.parameters(), Shape.of(batch, input), state, COLUMNS);
            FusedStep split = FusedStep.compile("lstm", lstm, lstm.parameters(), Shape.of(batch, input), state, SPLIT);
            FusedStep tape = FusedStep.compile("lstm", lstm, lstm.parameters(), Shape.of(batch, input), state, TAPE);
            FusedStepProperties.Run expected = FusedStepProperties.run(one, dtype, lstm, whole, lstm.parameters(), xs, s0, readout);
            assertBitwise(dtype + " one-column blocks", expected,
                    FusedStepProperties.run(one, dtype, lstm, columns, lstm.parameters(), xs, s0, readout));
            for (FusedStep fused : List.of(split, tape)) {
                long before = ColumnRun.workerBlocks();
                for (int attempt = 0; attempt < 200 && (attempt == 0 || ColumnRun.workerBlocks() == before); attempt++) {
                    assertBitwise(dtype + " two threads, attempt " + attempt, expected,
                            FusedStepProperties.run(two, dtype, lstm, fused, lstm.parameters(), xs, s0, readout));
                }
                if (twoThreads) {
                    assertTrue(ColumnRun.workerBlocks() > before, dtype + ": no block of a run ran on a worker in 200 unrolls of " + fused.describe());
                }
            }
        }
        lstm.parameters().forEach(p -> p.to(DType.F64));
        assumeTrue(twoThreads, "the split runs were checked on one thread only: needs 2 cores and tapegrad.threads unset or ≥ 2");
    }

    /** One value passed as the input and as a state part: each gets a gradient array of its own, and the sum is the unfused one. */
    @Test
    void oneValueGivenForTwoInputsGetsTheUnfusedGradient() throws NotFusableException {
        int batch = 4;
        int hidden = 6;
        Lstm lstm = new Lstm(hidden, hidden, new Random(9));
        List<Shape> state = List.of(Shape.of(batch, hidden), Shape.of(batch, hidden));
        FusedStep split = FusedStep.compile("lstm", lstm, lstm.parameters(), Shape.of(batch, hidden), state, SPLIT);
        Random random = new Random(10);
        double[][] v0 = FusedStepProperties.random(batch, hidden, random);
        double[][] c0 = FusedStepProperties.random(batch, hidden, random);
        double[][] expected = null;
        for (int fusedRun = 0; fusedRun < 2; fusedRun++) {
            Tape tape = new Tape(Kernels.defaults().withGemm(Kernels.gemm(null, Math.min(2, Kernels.maxThreads()))));
            Var v = tape.variable(v0);
            List<Var> in = List.of(v, tape.variable(c0));
            List<Var> next = fusedRun == 1 ? split.apply(tape, v, in) : lstm.step(tape, v, in);
            double[][] got = tape.gradients(next.get(0).sum().plus(next.get(1).sum()), null).of(v).toRawCopy2D();
            if (fusedRun == 0) {
                expected = got;
            } else {
                FusedStepProperties.assertClose("gradient of the value given as x and h", expected, got);
            }
        }
    }

    /** Random cells (the ops, broadcasts, slices and in-place activations the rewriter knows): blocks change no bit. */
    @Test
    void randomCellsAreBitwiseTheSameInOneColumnBlocks() {
        Theories.check(2027, 60, FusedStepProperties.cases(), c -> {
            RandomCell cell = new RandomCell(c.input(), c.hidden(), c.program(), new Random(c.seed()));
            List<Shape> state = new ArrayList<>();
            for (int k = 0; k < c.parts(); k++) {
                state.add(Shape.of(c.batch(), c.hidden()));
            }
            Random values = new Random(c.seed() + 1);
            double[][][] xs = new double[c.steps()][][];
            for (int t = 0; t < c.steps(); t++) {
                xs[t] = FusedStepProperties.random(c.batch(), c.input(), values);
            }
            double[][][] s0 = new double[c.parts()][][];
            for (int k = 0; k < c.parts(); k++) {
                s0[k] = FusedStepProperties.random(c.batch(), c.hidden(), values);
            }
            double[][][] readout = new double[c.steps() * c.parts()][][];
            for (int k = 0; k < readout.length; k++) {
                readout[k] = FusedStepProperties.random(c.batch(), c.hidden(), values);
            }
            for (DType dtype : DType.values()) {
                cell.parameters().forEach(p -> p.to(dtype));
                FusedStep whole;
                FusedStep columns;
                try {
                    whole = FusedStep.compile("random", cell, cell.parameters(), Shape.of(c.batch(), c.input()), state, WHOLE);
                    columns = FusedStep.compile("random", cell, cell.parameters(), Shape.of(c.batch(), c.input()), state, COLUMNS);
                } catch (NotFusableException e) {
                    throw new AssertionError("every op of the random cells is fusable: " + e.getMessage(), e);
                }
                Kernels kernels = Kernels.defaults();
                assertBitwise(dtype + " " + columns.describe(), FusedStepProperties.run(kernels, dtype, cell, whole, cell.parameters(), xs, s0, readout),
                        FusedStepProperties.run(kernels, dtype, cell, columns, cell.parameters(), xs, s0, readout));
            }
        });
    }

    private static void assertBitwise(String what, FusedStepProperties.Run expected, FusedStepProperties.Run actual) {
        assertArrayEquals(expected.loss()[0], actual.loss()[0], what + ": loss");
        assertEquals(expected.names(), actual.names());
        for (int k = 0; k < expected.grads().size(); k++) {
            for (int i = 0; i < expected.grads().get(k).length; i++) {
                assertArrayEquals(expected.grads().get(k)[i], actual.grads().get(k)[i], what + ": gradient " + expected.names().get(k) + " row " + i);
            }
        }
    }
}
