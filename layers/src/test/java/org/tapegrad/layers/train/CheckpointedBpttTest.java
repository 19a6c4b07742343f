package org.tapegrad.layers.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.StackedCell;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** Checkpointed BPTT gives full BPTT's gradients under every schedule, with masks, stacks and truncation. */
class CheckpointedBpttTest {

    /** A cell, a read-out V (H×K), inputs and targets: {@code L = Σ_t ‖h_t·V − y_t‖²}. */
    private static final class Problem<S extends CellState> {
        final Cell<S> cell;
        final Parameter readout;
        final double[][][] xs;
        final double[][][] ys;
        final List<Parameter> parameters = new ArrayList<>();

        Problem(Cell<S> cell, int steps, int batch, long seed) {
            Random r = new Random(seed);
            this.cell = cell;
            double[][] v = new double[cell.hiddenSize()][2];
            for (double[] row : v) {
                row[0] = r.nextGaussian();
                row[1] = r.nextGaussian();
            }
            this.readout = Parameter.of("readout", v);
            this.xs = new double[steps][batch][cell.inputSize()];
            this.ys = new double[steps][batch][2];
            for (int t = 0; t < steps; t++) {
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < cell.inputSize(); i++) {
                        xs[t][b][i] = r.nextGaussian();
                    }
                    ys[t][b][0] = r.nextGaussian();
                    ys[t][b][1] = r.nextGaussian();
                }
            }
            parameters.addAll(cell.parameters());
            parameters.add(readout);
        }

        Var term(Tape tape, int t, Var h) {
            return h.matmul(readout).squaredError(tape.constant(ys[t])).sum();
        }

        void zeroGrad() {
            parameters.forEach(Parameter::zeroGrad);
        }

        double[][] grads() {
            double[][] g = new double[parameters.size()][];
            for (int k = 0; k < g.length; k++) {
                g[k] = Layout.toRowMajorFlat(parameters.get(k).grad());
            }
            return g;
        }

        /** Full BPTT on one tape from {@code initial} (null: zero), the loss recorded after the unroll. */
        double[][] full(int[] lengths, double[] lossOut) {
            zeroGrad();
            Tape tape = new Tape(cell.dtype());
            List<Var> in = new ArrayList<>();
            for (double[][] x : xs) {
                in.add(tape.constant(x));
            }
            Unrolled<S> u = Unroll.run(cell, tape, in, cell.initialState(tape, xs[0].length), lengths);
            Var loss = null;
            for (int t = 0; t < xs.length; t++) {
                Var term = term(tape, t, u.outputs().get(t));
                loss = loss == null ? term : loss.plus(term);
            }
            tape.backward(loss);
            lossOut[0] = loss.item();
            return grads();
        }

        CheckpointedBptt.Result checkpointed(CheckpointSchedule schedule, int[] lengths) {
            zeroGrad();
            return new CheckpointedBptt<>(cell, schedule).run(xs.length, (tape, t) -> tape.constant(xs[t]), null, lengths,
                    (tape, t, s) -> term(tape, t, s.output()));
        }
    }

    private static final List<CheckpointSchedule> SCHEDULES = List.of(CheckpointSchedule.every(100), CheckpointSchedule.sqrt(), CheckpointSchedule.every(1),
            CheckpointSchedule.every(4), CheckpointSchedule.binomial(2, 2), CheckpointSchedule.binomial(0, 3),
            CheckpointSchedule.binomial(1, 1), CheckpointSchedule.binomial(3, 1));

    @Test
    void lstmGradientsAreBitwiseThoseOfFullBpttUnderEverySchedule() {
        Problem<?> p = new Problem<>(new LstmCell("lstm", 3, 4, new Random(1)), 23, 3, 2);
        double[] fullLoss = new double[1];
        double[][] full = p.full(null, fullLoss);
        for (CheckpointSchedule schedule : SCHEDULES) {
            CheckpointedBptt.Result r = p.checkpointed(schedule, null);
            double[][] g = p.grads();
            for (int k = 0; k < full.length; k++) {
                assertArrayEquals(full[k], g[k], schedule + ": " + p.parameters.get(k).name());
            }
            assertEquals(fullLoss[0], r.loss(), 0.0, schedule.toString());
            assertEquals(r.estimate().recomputedSteps(), r.recomputedSteps(), "the walk recomputes what the plan says: " + schedule);
        }
    }

    @Test
    void aFloat32LstmIsCheckpointedBitwiseToo() {
        LstmCell cell = new LstmCell("lstm", 3, 4, new Random(11));
        Problem<?> p = new Problem<>(cell, 15, 2, 12);
        p.parameters.forEach(q -> q.to(DType.F32));
        double[] fullLoss = new double[1];
        double[][] full = p.full(null, fullLoss);
        CheckpointedBptt.Result r = p.checkpointed(CheckpointSchedule.every(4), null);
        double[][] g = p.grads();
        for (int k = 0; k < full.length; k++) {
            assertArrayEquals(full[k], g[k], p.parameters.get(k).name());
        }
        assertEquals(fullLoss[0], r.loss(), 0.0);
        // With lengths, within float rounding.
        double[][] masked = p.full(new int[] {15, 6}, fullLoss);
        r = p.checkpointed(CheckpointSchedule.every(4), new int[] {15, 6});
        g = p.grads();
        for (int k = 0; k < masked.length; k++) {
            for (int i = 0; i < masked[k].length; i++) {
                assertEquals(masked[k][i], g[k][i], 1e-5 * Math.max(1, Math.abs(masked[k][i])), p.parameters.get(k).name() + "[" + i + "]");
            }
        }
        StepMemory f32 = StepMemory.probe(cell, 16);
        p.parameters.forEach(q -> q.to(DType.F64));
        assertEquals(StepMemory.probe(cell, 16).bytesPerStep(), 2 * f32.bytesPerStep(), "a float32 step holds half the bytes");
    }

    @Test
    void maskedStackedGruAndLstmMatchFullBpttWithin1e12() {
        Random random = new Random(3);
        Cell<?> stack = StackedCell.of(new LstmCell("l0", 3, 4, random), new GruCell("l1", 4, 3, GruCell.Variant.values()[0], random));
        Problem<?> p = new Problem<>(stack, 17, 4, 5);
        int[] lengths = {17, 5, 11, 1};
        double[] fullLoss = new double[1];
        double[][] full = p.full(lengths, fullLoss);
        for (CheckpointSchedule schedule : SCHEDULES) {
            CheckpointedBptt.Result r = p.checkpointed(schedule, lengths);
            double[][] g = p.grads();
            for (int k = 0; k < full.length; k++) {
                for (int i = 0; i < full[k].length; i++) {
                    assertEquals(full[k][i], g[k][i], 1e-12 * Math.max(1, Math.abs(full[k][i])), schedule + ": " + p.parameters.get(k).name() + "[" + i + "]");
                }
            }
            assertEquals(fullLoss[0], r.loss(), 1e-12 * Math.abs(fullLoss[0]));
        }
    }

    /** TBPTT(k, k) with each chunk checkpointed: the chunks of {@link TruncatedBptt}, state carried, bit for bit. */
    @Test
    void truncatedChunksCheckpointedGiveTruncatedBpttsGradients() {
        Problem<?> p = new Problem<>(new LstmCell("lstm", 3, 4, new Random(8)), 20, 2, 9);
        runTruncated(p);
    }

    private static <S extends CellState> void runTruncated(Problem<S> p) {
        int k = 7;
        p.zeroGrad();
        new TruncatedBptt<>(p.cell, k, k).run(new Tape(), p.xs.length, (tape, t) -> tape.constant(p.xs[t]), null, chunk -> {
            Var loss = null;
            for (int j = 0; j < chunk.length(); j++) {
                Var term = p.term(chunk.tape(), chunk.start() + j, chunk.outputs().get(j));
                loss = loss == null ? term : loss.plus(term);
            }
            return loss;
        }, r -> { });
        double[][] truncated = p.grads();
        p.zeroGrad();
        CarriedState carried = null;
        for (int start = 0; start < p.xs.length; start += k) {
            int from = start;
            int n = Math.min(k, p.xs.length - start);
            CheckpointedBptt.Result r = new CheckpointedBptt<>(p.cell, CheckpointSchedule.every(3)).run(n,
                    (tape, t) -> tape.constant(p.xs[from + t]), carried, null, (tape, t, s) -> p.term(tape, from + t, s.output()));
            carried = r.finalState();
        }
        double[][] checkpointed = p.grads();
        for (int i = 0; i < truncated.length; i++) {
            assertArrayEquals(truncated[i], checkpointed[i], p.parameters.get(i).name());
        }
    }

    @Test
    void theInitialStateGradientIsFullBpttsToo() {
        LstmCell cell = new LstmCell("lstm", 2, 3, new Random(4));
        Problem<?> p = new Problem<>(cell, 9, 2, 6);
        double[][] h0 = {{0.3, -0.2, 0.5}, {0.1, 0.9, -0.4}};
        double[][] c0 = {{-0.7, 0.2, 0.05}, {0.6, -0.1, 0.3}};
        Tape tape = new Tape();
        Var h = tape.variable(h0);
        Var c = tape.variable(c0);
        List<Var> in = new ArrayList<>();
        for (double[][] x : p.xs) {
            in.add(tape.constant(x));
        }
        Unrolled<?> u = Unroll.run(cell, tape, in, cell.withParts(List.of(h, c)));
        Var loss = null;
        for (int t = 0; t < p.xs.length; t++) {
            Var term = p.term(tape, t, u.outputs().get(t));
            loss = loss == null ? term : loss.plus(term);
        }
        p.zeroGrad();
        tape.backward(loss);
        CarriedState initial = CarriedState.of(List.of(Layout.matrix(h0), Layout.matrix(c0)));
        p.zeroGrad();
        CheckpointedBptt.Result r = new CheckpointedBptt<>(cell, CheckpointSchedule.every(2)).run(p.xs.length, (t2, t) -> t2.constant(p.xs[t]),
                initial, null, (t2, t, s) -> p.term(t2, t, s.output()));
        assertArrayEquals(Layout.toRowMajorFlat(h.grad()), Layout.toRowMajorFlat(r.initialStateGradient().part(0)));
        assertArrayEquals(Layout.toRowMajorFlat(c.grad()), Layout.toRowMajorFlat(r.initialStateGradient().part(1)));
    }

    /** The binomial split attains the exhaustive optimum of the checkpointing recursion, and the closed form. */
    @Test
    void theBinomialScheduleRecomputesTheFewestSteps() {
        int maxUnits = 40;
        int maxSlots = 6;
        long[][] best = new long[maxUnits + 1][maxSlots + 1];
        for (int n = 2; n <= maxUnits; n++) {
            best[n][0] = (long) n * (n - 1) / 2;
            for (int s = 1; s <= maxSlots; s++) {
                long b = Long.MAX_VALUE;
                for (int m = 1; m < n; m++) {
                    b = Math.min(b, m + best[n - m][s - 1] + best[m][s]);
                }
                best[n][s] = b;
            }
        }
        for (int n = 1; n <= maxUnits; n++) {
            for (int s = 0; s <= maxSlots; s++) {
                CheckpointPlan plan = new CheckpointPlan(n, 1, s);
                assertEquals(best[n][s], plan.recomputedSteps(), "n=" + n + ", s=" + s);
                assertEquals(best[n][s], CheckpointPlan.optimalAdvances(n, Math.min(s, n - 1)), "closed form n=" + n + ", s=" + s);
            }
        }
    }

    @Test
    void theEstimateIsWhatTheRunHoldsAndABudgetIsKept() {
        Problem<?> p = new Problem<>(new LstmCell("lstm", 3, 8, new Random(1)), 60, 4, 2);
        // A loss on the last step only, so the run holds what the cell alone does (the estimate's account).
        for (CheckpointSchedule schedule : List.of(CheckpointSchedule.sqrt(), CheckpointSchedule.binomial(2, 3), CheckpointSchedule.forBudget(60_000))) {
            CheckpointedBptt.Result r = new CheckpointedBptt<>(p.cell, schedule).run(60, (tape, t) -> tape.constant(p.xs[t]), null, null,
                    (tape, t, s) -> null);
            MemoryEstimate e = CheckpointedBptt.estimateMemory(p.cell, 4, 60, schedule);
            assertEquals(e.plan(), r.estimate().plan());
            assertTrue(r.peakBytes() <= e.totalBytes(), schedule + ": ran in " + r.peakBytes() + ", estimated " + e.totalBytes());
            // Exact but for the last segment's seed: it has no later gradient to take in (one constant and product per part).
            assertTrue(r.peakBytes() >= e.totalBytes() - 2 * e.memory().stateBytes(), schedule + ": ran in " + r.peakBytes() + ", estimated " + e.totalBytes());
        }
        MemoryEstimate budgeted = CheckpointedBptt.estimateMemory(p.cell, 4, 60, 60_000L);
        assertTrue(budgeted.totalBytes() <= 60_000, budgeted.toString());
        assertTrue(budgeted.recomputedSteps() > 0 && budgeted.totalBytes() < budgeted.fullTapeBytes());
        assertEquals(0, CheckpointedBptt.estimateMemory(p.cell, 4, 60, budgeted.fullTapeBytes() + 10_000).recomputedSteps(),
                "a budget the full tape fits in recomputes nothing");
        assertThrows(IllegalArgumentException.class, () -> CheckpointedBptt.estimateMemory(p.cell, 4, 60, 100L));
    }

    /** The targets in the buffer pool's account: LSTM B=16, I=32, H=64. */
    @Test
    void lstmStepMemoryAndTheTenThousandStepEstimate() {
        LstmCell cell = new LstmCell("lstm", 32, 64, new Random(1));
        long[] perStep = new long[3];
        for (int retain = 0; retain < 3; retain++) {
            if (retain == 2 && org.tapegrad.kernel.Kernels.maxThreads() < 2) {
                break;
            }
            long[] peak = new long[2];
            for (int k = 0; k < 2; k++) {
                // 0: released, on one thread; 1: every gradient kept; 2: released, weight gradients queued to a second thread
                Tape tape = retain == 2 ? new Tape(org.tapegrad.kernel.Kernels.defaults().withGemm(org.tapegrad.kernel.Kernels.gemm(null, 2)))
                        : new Tape(org.tapegrad.kernel.Kernels.defaults().withGemm(org.tapegrad.kernel.Kernels.gemm(null, 1)));
                tape.setRetainGradients(retain == 1);
                List<Var> in = new ArrayList<>();
                for (int t = 0; t < 10 * (k + 1); t++) {
                    in.add(tape.constant(R064Store.FACTORY.make(16, 32)));
                }
                tape.backward(Unroll.run(cell, tape, in, cell.initialState(tape, 16)).finalState().output().sum());
                peak[k] = tape.peakBytesHeld();
            }
            perStep[retain] = (peak[1] - peak[0]) / 10;
        }
        assertEquals(244 * 1024, perStep[1], "every gradient kept: the 244 KiB per step of before");
        assertEquals(124 * 1024, perStep[0], "released, one thread");
        if (perStep[2] != 0) {
            assertEquals(124 * 1024 + 16 * 4 * 64 * 8, perStep[2], "released, the pre-activation's B×4H gradient kept per step for the queued weight gradients");
            assertTrue(perStep[1] >= 1.5 * perStep[2], "released with 2 threads: " + perStep[2] + " bytes per step");
        }
        MemoryEstimate e = CheckpointedBptt.estimateMemory(cell, 16, 10_000, CheckpointSchedule.sqrt());
        assertTrue(e.fractionOfFullTape() <= 0.10, e.toString());
    }
}
