package org.tapegrad.layers.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.tapegrad.layers.Theories.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.quicktheories.core.Gen;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.StackedCell;
import org.tapegrad.layers.cell.StackedState;
import org.tapegrad.layers.net.CellFactory;
import org.tapegrad.layers.net.RecurrentNetwork;
import org.tapegrad.layers.optim.Adam;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Checkpointed TBPTT(k1, k2) gives {@link TruncatedBptt}'s gradients and chunk losses: bitwise where the ops are the
 * same, within 1e-12 where a unit boundary pre-sums a state's gradient (GRU, lengths).
 */
class CheckpointedTruncatedBpttTest {

    /**
     * A cell, a read-out V (H×2), inputs, targets and an optional mask of padded rows:
     * {@code ℓ_t = Σ_b m_tb ‖(h_t·V − y_t)_b‖²} (with no mask the plain squared error).
     */
    private static final class Problem<S extends CellState> {
        final Cell<S> cell;
        final Parameter readout;
        final double[][][] xs;
        final double[][][] ys;
        final double[][][] masks;   // null: every row real
        final List<Parameter> parameters = new ArrayList<>();

        Problem(Cell<S> cell, int steps, int batch, int[] lengths, long seed) {
            Random r = new Random(seed);
            this.cell = cell;
            this.readout = TbpttFixtures.gaussian("readout", cell.hiddenSize(), 2, 1.0, r);
            this.xs = TbpttFixtures.randomSteps(steps, batch, cell.inputSize(), r);
            this.ys = TbpttFixtures.randomSteps(steps, batch, 2, r);
            if (lengths == null) {
                masks = null;
            } else {
                masks = new double[steps][batch][2];
                for (int t = 0; t < steps; t++) {
                    for (int b = 0; b < batch; b++) {
                        masks[t][b][0] = masks[t][b][1] = t < lengths[b] ? 1 : 0;
                    }
                }
            }
            parameters.addAll(cell.parameters());
            parameters.add(readout);
        }

        Var term(Tape tape, int t, Var h) {
            if (masks == null) {
                return h.matmul(readout).squaredError(tape.constant(ys[t])).sum();
            }
            Var e = h.matmul(readout).minus(tape.constant(ys[t])).times(tape.constant(masks[t]));
            return e.times(e).sum();
        }

        /** Copies of every parameter's gradient, then zeroed. */
        double[][] takeGradients() {
            double[][] g = new double[parameters.size()][];
            for (int k = 0; k < g.length; k++) {
                g[k] = Layout.toRowMajorFlat(parameters.get(k).grad());
                parameters.get(k).zeroGrad();
            }
            return g;
        }

        /** The reference: TruncatedBptt with the chunk loss the step terms summed in step order. */
        double[][] truncated(int k1, int k2, List<Double> losses) {
            takeGradients();
            new TruncatedBptt<>(cell, k1, k2).run(new Tape(cell.dtype()), xs.length, (tape, t) -> tape.constant(xs[t]), null, chunk -> {
                Var loss = null;
                for (int j = 0; j < chunk.length(); j++) {
                    Var term = term(chunk.tape(), chunk.start() + j, chunk.outputs().get(j));
                    loss = loss == null ? term : loss.plus(term);
                }
                return loss;
            }, r -> losses.add(r.loss()));
            return takeGradients();
        }

        double[][] checkpointed(int k1, int k2, CheckpointSchedule schedule, int[] lengths, List<CheckpointedTruncatedBptt.ChunkRun> runs) {
            takeGradients();
            new CheckpointedTruncatedBptt<>(cell, k1, k2, schedule).run(xs.length, (tape, t) -> tape.constant(xs[t]), null, lengths,
                    (tape, t, s) -> term(tape, t, s.output()), runs::add);
            return takeGradients();
        }

        /** Checks every parameter and chunk loss against TruncatedBptt's, within {@code tolerance} relative (0: bitwise). */
        void assertTruncatedBpttsGradients(int k1, int k2, CheckpointSchedule schedule, int[] lengths, double tolerance) {
            List<Double> losses = new ArrayList<>();
            double[][] expected = truncated(k1, k2, losses);
            List<CheckpointedTruncatedBptt.ChunkRun> runs = new ArrayList<>();
            double[][] actual = checkpointed(k1, k2, schedule, lengths, runs);
            String what = cell.getClass().getSimpleName() + " T=" + xs.length + " k1=" + k1 + " k2=" + k2 + ", " + schedule
                    + (lengths == null ? "" : ", lengths");
            assertEquals(losses.size(), runs.size(), what + ": chunks");
            for (int c = 0; c < runs.size(); c++) {
                CheckpointedTruncatedBptt.ChunkRun run = runs.get(c);
                assertEquals(c, run.index());
                assertEquals(c * k1, run.start(), what);
                assertEquals(Math.min(k1, xs.length - c * k1), run.length(), what);
                assertEquals(run.length() - Math.min(k2, run.length()), run.recordedFrom(), what);
                assertEquals(losses.get(c), run.loss(), tolerance * Math.abs(losses.get(c)), what + ": loss of chunk " + c);
            }
            for (int k = 0; k < expected.length; k++) {
                if (tolerance == 0) {
                    assertArrayEquals(expected[k], actual[k], what + ": " + parameters.get(k).name());
                } else {
                    for (int i = 0; i < expected[k].length; i++) {
                        assertEquals(expected[k][i], actual[k][i], tolerance * Math.max(1, Math.abs(expected[k][i])),
                                what + ": " + parameters.get(k).name() + "[" + i + "]");
                    }
                }
            }
            assertTrue(java.util.Arrays.stream(expected[0]).anyMatch(v -> v != 0), what + ": the cell receives gradient");
        }
    }

    /** (T, k1, k2): T not a multiple of k1, k2 = k1, k2 = 1, T < k1, one-step chunks. */
    private static final int[][] TRUNCATIONS = {{23, 7, 3}, {23, 7, 7}, {23, 7, 1}, {20, 5, 2}, {9, 12, 4}, {17, 4, 4}, {6, 1, 1}};

    private static final List<CheckpointSchedule> SCHEDULES = List.of(CheckpointSchedule.sqrt(), CheckpointSchedule.every(2),
            CheckpointSchedule.binomial(1, 1), CheckpointSchedule.binomial(0, 3));

    @Test
    void lstmGradientsAndLossesAreBitwiseTruncatedBptts() {
        Problem<?> p = new Problem<>(new LstmCell("lstm", 3, 4, new Random(1)), 23, 3, null, 2);
        for (int[] k : TRUNCATIONS) {
            Problem<?> q = k[0] == 23 ? p : new Problem<>(p.cell, k[0], 3, null, 3);
            for (CheckpointSchedule schedule : SCHEDULES) {
                q.assertTruncatedBpttsGradients(k[1], k[2], schedule, null, 0);
            }
        }
    }

    /**
     * The GRU reads h in more than two ops: where a unit boundary falls inside the window the boundary's gradient
     * arrives pre-summed (within 1e-12); with the window in one unit (every(k1)) it is bitwise.
     */
    @Test
    void gruGradientsMatchTruncatedBpttWithin1e12AndBitwiseWithTheWindowInOneUnit() {
        for (GruCell.Variant variant : GruCell.Variant.values()) {
            Problem<?> p = new Problem<>(new GruCell("gru", 3, 4, variant, new Random(4)), 23, 2, null, 5);
            for (int[] k : TRUNCATIONS) {
                Problem<?> q = k[0] == 23 ? p : new Problem<>(p.cell, k[0], 2, null, 6);
                for (CheckpointSchedule schedule : SCHEDULES) {
                    q.assertTruncatedBpttsGradients(k[1], k[2], schedule, null, 1e-12);
                }
                q.assertTruncatedBpttsGradients(k[1], k[2], CheckpointSchedule.every(k[1]), null, 0);
            }
        }
    }

    /**
     * Padding: a loss that masks padded rows gives TruncatedBptt's gradients bitwise with {@code lengths == null}
     * (the same ops: finished rows keep stepping), and within 1e-12 with lengths (finished rows' states carried by
     * row selects instead).
     */
    @Test
    void maskedLossesWithAndWithoutLengthsMatchTruncatedBptt() {
        int[] lengths = {23, 5, 12, 1};
        Problem<?> lstm = new Problem<>(new LstmCell("lstm", 3, 4, new Random(7)), 23, 4, lengths, 8);
        Problem<?> gru = new Problem<>(new GruCell("gru", 3, 4, GruCell.Variant.values()[0], new Random(9)), 23, 4, lengths, 10);
        for (int[] k : new int[][] {{7, 3}, {7, 7}, {5, 1}}) {
            lstm.assertTruncatedBpttsGradients(k[0], k[1], CheckpointSchedule.sqrt(), null, 0);
            lstm.assertTruncatedBpttsGradients(k[0], k[1], CheckpointSchedule.every(2), lengths, 1e-12);
            gru.assertTruncatedBpttsGradients(k[0], k[1], CheckpointSchedule.binomial(1, 1), null, 1e-12);
            gru.assertTruncatedBpttsGradients(k[0], k[1], CheckpointSchedule.sqrt(), lengths, 1e-12);
        }
    }

    @Test
    void aFloat32LstmIsBitwiseTruncatedBpttsToo() {
        LstmCell cell = new LstmCell("lstm", 3, 4, new Random(11));
        Problem<?> p = new Problem<>(cell, 19, 2, null, 12);
        p.parameters.forEach(q -> q.to(DType.F32));
        try {
            for (int[] k : new int[][] {{6, 2}, {6, 6}, {4, 1}}) {
                p.assertTruncatedBpttsGradients(k[0], k[1], CheckpointSchedule.sqrt(), null, 0);
                p.assertTruncatedBpttsGradients(k[0], k[1], CheckpointSchedule.binomial(1, 1), null, 0);
            }
        } finally {
            p.parameters.forEach(q -> q.to(DType.F64));
        }
    }

    /** A stack of an LSTM and a GRU, as a StackedCell and as a one-direction RecurrentNetwork. */
    @Test
    void stackedLayersAndAOneDirectionNetworkMatchTruncatedBptt() {
        Random random = new Random(13);
        StackedCell stack = StackedCell.of(new LstmCell("l0", 3, 4, random), new LstmCell("l1", 4, 3, random));
        Problem<?> p = new Problem<>(stack, 17, 3, null, 14);
        p.assertTruncatedBpttsGradients(6, 2, CheckpointSchedule.sqrt(), null, 0);
        p.assertTruncatedBpttsGradients(6, 6, CheckpointSchedule.binomial(1, 1), null, 0);

        RecurrentNetwork net = RecurrentNetwork.builder(CellFactory.gru(), 3, 4).layers(2).build(new Random(15));
        CheckpointedTruncatedBptt<StackedState> viaNetwork = new CheckpointedNetwork(net, CheckpointSchedule.sqrt()).truncated(5, 3);
        assertEquals(5, viaNetwork.forwardSteps());
        assertEquals(3, viaNetwork.backwardSteps());
        Problem<StackedState> q = new Problem<>(StackedCell.of(net.cell(0, false), net.cell(1, false)), 17, 3, null, 16);
        List<Double> losses = new ArrayList<>();
        double[][] expected = q.truncated(5, 3, losses);
        List<Double> got = new ArrayList<>();
        viaNetwork.run(17, (tape, t) -> tape.constant(q.xs[t]), null, null, (tape, t, s) -> q.term(tape, t, s.output()), r -> got.add(r.loss()));
        double[][] actual = q.takeGradients();
        assertEquals(losses.size(), got.size());
        for (int c = 0; c < got.size(); c++) {
            assertEquals(losses.get(c), got.get(c), 1e-12 * Math.abs(losses.get(c)));
        }
        for (int k = 0; k < expected.length; k++) {
            for (int i = 0; i < expected[k].length; i++) {
                assertEquals(expected[k][i], actual[k][i], 1e-12 * Math.max(1, Math.abs(expected[k][i])), q.parameters.get(k).name() + "[" + i + "]");
            }
        }
    }

    /** Random truncations and schedules, LSTM (bitwise) or GRU (1e-12). */
    @Test
    void randomTruncationsAndSchedulesMatchTruncatedBptt() {
        Gen<int[]> ks = integers().between(1, 6).flatMap(k1 -> integers().between(1, k1).map(k2 -> new int[] {k1, k2}));
        qt(25).forAll(booleans().all(), integers().between(1, 14), ks, longs().between(0, 10_000))
                .checkAssert((lstm, steps, k, seed) -> {
                    int schedule = (int) (seed % SCHEDULES.size());
                    Random r = new Random(seed);
                    Cell<?> cell = lstm ? new LstmCell("lstm", 2, 3, r) : new GruCell("gru", 2, 3, GruCell.Variant.values()[0], r);
                    new Problem<>(cell, steps, 2, null, seed + 1).assertTruncatedBpttsGradients(k[0], k[1], SCHEDULES.get(schedule), null,
                            lstm ? 0 : 1e-12);
                });
    }

    /**
     * The estimate of a chunk is what its run holds: the peak of every chunk is at most the estimate of its length, and
     * a full chunk whose window spans more than one unit holds it exactly but for the last unit's seed (a loss that
     * records nothing, so the run holds what the cell does, the estimate's account).
     */
    @Test
    void theEstimateIsWhatEachChunkHolds() {
        Problem<?> p = new Problem<>(new LstmCell("lstm", 3, 8, new Random(1)), 130, 4, null, 2);
        for (CheckpointSchedule schedule : List.of(CheckpointSchedule.sqrt(), CheckpointSchedule.binomial(2, 3), CheckpointSchedule.forBudget(60_000))) {
            for (int[] k : new int[][] {{60, 60}, {60, 30}}) {
                CheckpointedTruncatedBptt<?> runner = new CheckpointedTruncatedBptt<>(p.cell, k[0], k[1], schedule);
                MemoryEstimate e = runner.estimateMemory(4, 130);
                assertEquals(CheckpointedBptt.estimateMemory(p.cell, 4, 60, schedule), e);
                List<CheckpointedTruncatedBptt.ChunkRun> runs = new ArrayList<>();
                runner.run(130, (tape, t) -> tape.constant(p.xs[t]), null, null, (tape, t, s) -> null, runs::add);
                assertEquals(3, runs.size());
                for (CheckpointedTruncatedBptt.ChunkRun run : runs) {
                    MemoryEstimate own = CheckpointedBptt.estimateMemory(p.cell, 4, run.length(), schedule);
                    String what = schedule + ", k1=" + k[0] + ", k2=" + k[1] + ", chunk " + run.index();
                    assertEquals(own, run.result().estimate(), what);
                    assertTrue(run.result().peakBytes() <= own.totalBytes(), what + ": ran in " + run.result().peakBytes() + ", estimated " + own.totalBytes());
                    assertTrue(run.result().peakBytes() <= e.totalBytes(), what);
                    if (run.length() == 60) {
                        assertTrue(run.result().peakBytes() >= own.totalBytes() - 2 * own.memory().stateBytes(),
                                what + ": ran in " + run.result().peakBytes() + ", estimated " + own.totalBytes());
                    }
                }
                p.takeGradients();
            }
        }
        assertTrue(CheckpointedTruncatedBptt.withinBudget(p.cell, 60, 30, 60_000).estimateMemory(4, 130).totalBytes() <= 60_000);
    }

    /**
     * The README's loop: an Adam step after every chunk. The weights it ends with, and the state it hands on, are
     * bitwise those of the same loop on TruncatedBptt (each chunk sees the weights the previous chunk's step left).
     */
    @Test
    void trainingWithAnOptimizerStepPerChunkFollowsTruncatedBpttsTrajectory() {
        double[][][] weights = new double[2][][];
        CarriedState[] ends = new CarriedState[2];
        for (int run = 0; run < 2; run++) {
            LstmCell lstm = new LstmCell("lstm", 3, 4, new Random(21));
            Problem<?> p = new Problem<>(lstm, 31, 2, null, 22);
            double[][][] xs = p.xs;
            double[][][] ys = p.ys;
            Parameter readout = p.readout;
            List<Parameter> params = p.parameters;
            Adam adam = Adam.builder(1e-2).build();
            int T = xs.length;
            if (run == 0) {
                ends[run] = new TruncatedBptt<>(lstm, 8, 3).run(new Tape(), T, (tp, t) -> tp.constant(xs[t]), null, chunk -> {
                    Var loss = null;
                    for (int j = 0; j < chunk.length(); j++) {
                        Var term = chunk.outputs().get(j).matmul(readout).squaredError(chunk.tape().constant(ys[chunk.start() + j])).sum();
                        loss = loss == null ? term : loss.plus(term);
                    }
                    return loss;
                }, chunk -> { adam.step(params); params.forEach(Parameter::zeroGrad); });
            } else {
                // As in the README.
                ends[run] = new CheckpointedTruncatedBptt<>(lstm, 8, 3, CheckpointSchedule.sqrt()).run(T, (tp, t) -> tp.constant(xs[t]),
                        null, null, (tp, t, s) -> s.output().matmul(readout).squaredError(tp.constant(ys[t])).sum(),
                        chunk -> { adam.step(params); params.forEach(Parameter::zeroGrad); });
            }
            weights[run] = new double[params.size()][];
            for (int k = 0; k < params.size(); k++) {
                weights[run][k] = Layout.toRowMajorFlat(params.get(k).value());
            }
        }
        for (int k = 0; k < weights[0].length; k++) {
            assertArrayEquals(weights[0][k], weights[1][k], "parameter " + k);
        }
        for (int part = 0; part < 2; part++) {
            assertArrayEquals(Layout.toRowMajorFlat(ends[0].part(part)), Layout.toRowMajorFlat(ends[1].part(part)), "final state part " + part);
        }
    }

    @Test
    void badArgumentsGiveOneLineErrors() {
        LstmCell cell = new LstmCell("lstm", 2, 3, new Random(1));
        CheckpointSchedule sqrt = CheckpointSchedule.sqrt();
        assertOneLine(() -> new CheckpointedTruncatedBptt<>(cell, 3, 4, sqrt), "k1=3, k2=4");
        assertOneLine(() -> new CheckpointedTruncatedBptt<>(cell, 0, 0, sqrt), "k1=0");
        assertOneLine(() -> new CheckpointedTruncatedBptt<>(cell, 3, 0, sqrt), "k2=0");
        assertOneLine(() -> CheckpointedTruncatedBptt.every(cell, -1, sqrt), "k1=-1");
        CheckpointedTruncatedBptt<?> ok = new CheckpointedTruncatedBptt<>(cell, 3, 2, sqrt);
        StepInputs inputs = (tape, t) -> tape.constant(new double[2][2]);
        assertOneLine(() -> ok.run(0, inputs, null, null, (tape, t, s) -> null, r -> { }), "0 steps");
        assertOneLine(() -> ok.estimateMemory(2, 0), "0 steps");
        assertOneLine(() -> ok.run(5, inputs, null, new int[] {5, 6}, (tape, t, s) -> null, r -> { }), "length 6");
        assertOneLine(() -> ok.run(5, inputs, null, new int[] {5}, (tape, t, s) -> null, r -> { }), "1 lengths for a batch of 2");
        assertOneLine(() -> ok.run(5, inputs, null, null, (tape, t, s) -> tape.constant(new double[2][2]), r -> { }), "1×1");
        RecurrentNetwork bidirectional = RecurrentNetwork.builder(CellFactory.lstm(), 3, 4).bidirectional(true).build(new Random(2));
        assertOneLine(() -> new CheckpointedNetwork(bidirectional, sqrt).truncated(4, 2), "bidirectional");
        assertOneLine(() -> new CheckpointedNetwork(RecurrentNetwork.of(cell), sqrt).truncated(2, 4), "k1=2, k2=4");
    }

    private static void assertOneLine(Executable call, String mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(mentions), "'" + e.getMessage() + "' should mention '" + mentions + "'");
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
