package org.tapegrad.layers.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.loss.StepMask;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

class TruncatedBpttTest {

    @Test
    void chunkedForwardEqualsOneUnbrokenForwardExactlyForOneAndTwoPartStates() {
        for (boolean twoParts : new boolean[] {false, true}) {
            TbpttFixtures<?> f = TbpttFixtures.of(twoParts, 11, 3, 2, 4, 7);
            assertSameForward(f, 11);
        }
    }

    private static <S extends CellState> void assertSameForward(TbpttFixtures<S> f, int steps) {
        List<double[][]> chunked = new ArrayList<>();
        CarriedState last = new TruncatedBptt<>(f.cell, 4, 2).run(new Tape(), steps, f.inputs(), null, f.chunkLoss(),
                r -> r.chunk().outputs().forEach(h -> chunked.add(h.toArray())));
        Tape tape = new Tape();
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            xs.add(tape.constant(f.xs[t]));
        }
        Unrolled<S> full = Unroll.run(f.cell, tape, xs, f.cell.initialState(tape, 3));
        assertEquals(steps, chunked.size());
        for (int t = 0; t < steps; t++) {
            double[][] expected = full.outputs().get(t).toArray();
            for (int b = 0; b < expected.length; b++) {
                assertArrayEquals(expected[b], chunked.get(t)[b], 0.0, "h at step " + t + ", row " + b);
            }
        }
        List<Var> parts = full.finalState().parts();
        assertEquals(parts.size(), last.size());
        for (int k = 0; k < parts.size(); k++) {
            double[][] expected = parts.get(k).toArray();
            for (int b = 0; b < expected.length; b++) {
                for (int j = 0; j < expected[b].length; j++) {
                    assertEquals(expected[b][j], last.part(k).get(b, j), 0.0, "final state part " + k);
                }
            }
        }
    }

    @Test
    void aCarriedStateContinuesTheStreamInALaterRun() {
        TbpttFixtures<?> f = TbpttFixtures.of(true, 6, 2, 2, 3, 11);
        assertContinues(f);
    }

    private static <S extends CellState> void assertContinues(TbpttFixtures<S> f) {
        List<double[][]> whole = new ArrayList<>();
        new TruncatedBptt<>(f.cell, 6, 6).run(new Tape(), 6, f.inputs(), null, f.chunkLoss(), r -> r.chunk().outputs().forEach(h -> whole.add(h.toArray())));
        List<double[][]> split = new ArrayList<>();
        TruncatedBptt<S> threes = TruncatedBptt.every(f.cell, 3);
        CarriedState middle = threes.run(new Tape(), 3, f.inputs(), null, f.chunkLoss(), r -> r.chunk().outputs().forEach(h -> split.add(h.toArray())));
        StepInputs later = (tape, t) -> tape.constant(f.xs[t + 3]);
        threes.run(new Tape(), 3, later, middle, chunk -> f.loss(chunk.tape(), chunk.outputs(), 3), r -> r.chunk().outputs().forEach(h -> split.add(h.toArray())));
        for (int t = 0; t < 6; t++) {
            assertTrue(java.util.Arrays.deepEquals(whole.get(t), split.get(t)), "step " + t);
        }
    }

    @Test
    void theLastPartialChunkIsProcessedWithItsOwnWindow() {
        TbpttFixtures<?> f = TbpttFixtures.of(false, 7, 2, 2, 3, 3);
        List<int[]> seen = new ArrayList<>();
        runRecording(f, seen);
        assertEquals(3, seen.size());
        assertArrayEquals(new int[] {0, 0, 3, 1}, seen.get(0));
        assertArrayEquals(new int[] {1, 3, 3, 1}, seen.get(1));
        assertArrayEquals(new int[] {2, 6, 1, 0}, seen.get(2), "the single last step is recorded: w = min(k2, 1)");
    }

    private static <S extends CellState> void runRecording(TbpttFixtures<S> f, List<int[]> seen) {
        new TruncatedBptt<>(f.cell, 3, 2).run(new Tape(), 7, f.inputs(), null, f.chunkLoss(), r -> {
            Chunk<S> c = r.chunk();
            seen.add(new int[] {c.index(), c.start(), c.length(), c.recordedFrom()});
            assertTrue(r.backwardRan());
            for (int j = 0; j < c.length(); j++) {
                assertEquals(j >= c.recordedFrom(), c.outputs().get(j).requiresGrad(), "step " + j + " of chunk " + c.index());
            }
            assertEquals(c.length() - c.recordedFrom(), c.recordedOutputs().size());
            for (Var h : c.recordedOutputs()) {
                assertTrue(norm(h.grad().toRawCopy1D()) > 0, "window outputs have gradient after backward");
            }
        });
    }

    @Test
    void moreWindowWouldGiveADifferentGradientSoTheBoundaryIsChecked() {
        TbpttFixtures<?> f = TbpttFixtures.of(false, 8, 2, 2, 3, 5);
        TruncatedBpttProperties.Setup s = new TruncatedBpttProperties.Setup(false, 8, 2, 2, 3, 4, 2, 5);
        double[][] runner = TruncatedBpttProperties.runner(f, s, new ArrayList<>());
        double[][] right = TruncatedBpttProperties.handTruncated(f, 8, 4, 2, new ArrayList<>());
        double[][] oneMore = TruncatedBpttProperties.handTruncated(f, 8, 4, 3, new ArrayList<>());
        TruncatedBpttProperties.assertClose(right, runner);
        double wh = 0;
        for (int i = 0; i < right[1].length; i++) {
            wh = Math.max(wh, Math.abs(right[1][i] - oneMore[1][i]));
        }
        assertTrue(wh > 1e-6, "a window one step longer changes ∂L/∂W_h (by " + wh + ")");
    }

    @Test
    void aSequenceShorterThanTheChunkStillTrains() {
        Random random = new Random(1);
        RnnCell cell = new RnnCell("rnn", 2, 4, RnnCell.Activation.TANH, random);
        TbpttFixtures<?> f = new TbpttFixtures<>(cell, 3, 2, 1, random);
        int[] chunks = new int[1];
        double first = train(f, 0.05, chunks);
        assertEquals(1, chunks[0], "three steps with k1 = 10 are one chunk, not skipped");
        double last = first;
        for (int epoch = 0; epoch < 300; epoch++) {
            last = train(f, 0.05, chunks);
        }
        assertTrue(last < 0.2 * first, "loss fell from " + first + " to " + last);
    }

    /** One pass of TBPTT(10, 10) over the 3-step sequence with plain SGD in the callback; returns the loss. */
    private static <S extends CellState> double train(TbpttFixtures<S> f, double rate, int[] chunks) {
        double[] loss = new double[1];
        chunks[0] = 0;
        TruncatedBptt.every(f.cell, 10).run(new Tape(), 3, f.inputs(), null, f.chunkLoss(), r -> {
            chunks[0]++;
            loss[0] += r.loss();
            for (Parameter p : f.parameters()) {
                p.update((w, g) -> {
                    for (int i = 0; i < w.length; i++) {
                        w[i] -= rate * g[i];
                    }
                });
                p.zeroGrad();
            }
        });
        return loss[0];
    }

    /**
     * A padded batch in TBPTT(3, 3), losses masked with {@link StepMask#window}: the gradients are the sum of those of
     * each sequence run alone at its own length, although finished rows keep stepping on padding.
     */
    @Test
    void aPaddedBatchWithWindowedMasksGivesTheGradientsOfTheSequencesAlone() {
        for (boolean twoParts : new boolean[] {false, true}) {
            TbpttFixtures<?> f = TbpttFixtures.of(twoParts, 7, 3, 2, 3, 13);
            assertPaddingIsExact(f, new int[] {7, 3, 5});
        }
    }

    private static <S extends CellState> void assertPaddingIsExact(TbpttFixtures<S> f, int[] lengths) {
        TruncatedBptt<S> tbptt = TruncatedBptt.every(f.cell, 3);
        tbptt.run(new Tape(), 7, f.inputs(), null,
                chunk -> f.loss(chunk.tape(), chunk.outputs(), chunk.start(), StepMask.window(lengths, chunk.start(), chunk.length())), r -> { });
        double[][] padded = f.takeGradients();
        double[][] alone = null;
        for (int b = 0; b < lengths.length; b++) {
            TbpttFixtures<S> one = f.row(b, lengths[b]);
            tbptt.run(new Tape(), lengths[b], one.inputs(), null, one.chunkLoss(), r -> { });
            double[][] g = one.takeGradients();
            if (alone == null) {
                alone = g;
            } else {
                for (int k = 0; k < g.length; k++) {
                    for (int i = 0; i < g[k].length; i++) {
                        alone[k][i] += g[k][i];
                    }
                }
            }
        }
        TruncatedBpttProperties.assertClose(alone, padded);
    }

    @Test
    void badArgumentsAreNamed() {
        RnnCell cell = new RnnCell("rnn", 1, 2, RnnCell.Activation.TANH, new Random(0));
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> new TruncatedBptt<>(cell, 3, 4));
        assertEquals("truncated BPTT: need 1 ≤ k2 ≤ k1, got k1=3, k2=4", k.getMessage());
        TruncatedBptt<?> t = TruncatedBptt.every(cell, 2);
        assertEquals(2, t.forwardSteps());
        assertEquals(2, t.backwardSteps());
        IllegalArgumentException loss = assertThrows(IllegalArgumentException.class, () -> new TruncatedBptt<>(cell, 2, 2).run(new Tape(), 3,
                (tape, s) -> tape.constant(new double[][] {{1}}), null, chunk -> chunk.outputs().get(0), r -> { }));
        assertTrue(loss.getMessage().startsWith("truncated BPTT: the loss of chunk 0 must be a 1×1 value"), loss.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.run(new Tape(), 0, (tape, s) -> null, null, chunk -> null, r -> { }));
    }

    private static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
