package org.tapegrad.layers.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.tapegrad.layers.Theories.qt;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * The runner's accumulated gradients against two independent constructions on one tape: plain full BPTT (for
 * {@code k1 = k2 ≥ T}) and an unrolled loop with {@link Var#detach()} written out at the chunk boundaries and
 * {@code k2} steps before the end of every chunk (for any {@code k2 ≤ k1}).
 */
class TruncatedBpttProperties {

    /** Problem sizes; {@code k1}, {@code k2} as used by the runner. */
    record Setup(boolean twoParts, int steps, int batch, int inputs, int hidden, int k1, int k2, long seed) {

        TbpttFixtures<?> fixtures() {
            return TbpttFixtures.of(twoParts, steps, batch, inputs, hidden, seed);
        }
    }

    /** Batch 1–3, inputs 1–3, hidden 1–4. */
    private static Gen<int[]> sizes() {
        return integers().between(1, 3).zip(integers().between(1, 3), integers().between(1, 4), (b, i, h) -> new int[] {b, i, h});
    }

    /** {@code k1 = k2 = T + extra}, extra 0–3: one chunk covers the whole sequence. */
    static final Gen<Setup> WHOLE_SEQUENCE_CHUNKS = booleans().all().zip(integers().between(1, 8), integers().between(0, 3),
            sizes(), longs().between(0, 10_000),
            (two, t, extra, s, seed) -> new Setup(two, t, s[0], s[1], s[2], t + extra, t + extra, seed));

    /** {@code 1 ≤ k2 ≤ k1 ≤ 5}, T 1–10. */
    static final Gen<Setup> TRUNCATIONS = booleans().all().zip(integers().between(1, 10),
            integers().between(1, 5).flatMap(k1 -> integers().between(1, k1).map(k2 -> new int[] {k1, k2})),
            sizes(), longs().between(0, 10_000),
            (two, t, k, s, seed) -> new Setup(two, t, s[0], s[1], s[2], k[0], k[1], seed));

    @Test
    void oneChunkCoveringTheSequenceIsFullBptt() {
        qt(120).forAll(WHOLE_SEQUENCE_CHUNKS).checkAssert(TruncatedBpttProperties::oneChunkCoveringTheSequenceIsFullBptt);
    }

    @Test
    void gradientsEqualAHandWrittenDetachAtTheChunkAndWindowBoundaries() {
        qt(150).forAll(TRUNCATIONS).checkAssert(TruncatedBpttProperties::gradientsEqualAHandWrittenDetachAtTheChunkAndWindowBoundaries);
    }

    static void oneChunkCoveringTheSequenceIsFullBptt(Setup s) {
        TbpttFixtures<?> f = s.fixtures();
        List<Double> losses = new ArrayList<>();
        double[][] chunked = runner(f, s, losses);
        assertEquals(1, losses.size(), "a sequence no longer than k1 is one chunk");
        double[] fullLoss = new double[1];
        double[][] full = fullBptt(f, s.steps(), fullLoss);
        assertEquals(fullLoss[0], losses.get(0), 1e-12 * Math.max(1, fullLoss[0]));
        assertClose(full, chunked);
    }

    static void gradientsEqualAHandWrittenDetachAtTheChunkAndWindowBoundaries(Setup s) {
        TbpttFixtures<?> f = s.fixtures();
        List<Double> losses = new ArrayList<>();
        double[][] chunked = runner(f, s, losses);
        List<Double> handLosses = new ArrayList<>();
        double[][] hand = handTruncated(f, s.steps(), s.k1(), s.k2(), handLosses);
        assertEquals(handLosses.size(), losses.size());
        for (int c = 0; c < losses.size(); c++) {
            assertEquals(handLosses.get(c), losses.get(c), 1e-12 * Math.max(1, handLosses.get(c)), "loss of chunk " + c);
        }
        assertClose(hand, chunked);
    }

    static <S extends CellState> double[][] runner(TbpttFixtures<S> f, Setup s, List<Double> losses) {
        new TruncatedBptt<>(f.cell, s.k1(), s.k2()).run(new Tape(), s.steps(), f.inputs(), null, f.chunkLoss(), r -> losses.add(r.loss()));
        return f.takeGradients();
    }

    static <S extends CellState> double[][] fullBptt(TbpttFixtures<S> f, int steps, double[] loss) {
        Tape tape = new Tape();
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            xs.add(tape.constant(f.xs[t]));
        }
        Unrolled<S> u = Unroll.run(f.cell, tape, xs, f.cell.initialState(tape, f.xs[0].length));
        Var l = f.loss(tape, u.outputs(), 0);
        loss[0] = l.item();
        tape.backward(l);
        return f.takeGradients();
    }

    /**
     * TBPTT(k1, k2) written out on one tape: the state is detached at every chunk start and {@code min(k2, n)} steps
     * before each chunk's end; outputs before that point are detached too; one backward of the summed chunk losses.
     */
    static <S extends CellState> double[][] handTruncated(TbpttFixtures<S> f, int steps, int k1, int k2, List<Double> chunkLosses) {
        Tape tape = new Tape();
        S state = f.cell.initialState(tape, f.xs[0].length);
        Var total = null;
        for (int start = 0; start < steps; start += k1) {
            int n = Math.min(k1, steps - start);
            int window = Math.min(k2, n);
            state = detached(f.cell, state);
            List<Var> outputs = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (j == n - window) {
                    state = detached(f.cell, state);
                }
                state = f.cell.step(tape, tape.constant(f.xs[start + j]), state);
                outputs.add(j < n - window ? state.output().detach() : state.output());
            }
            Var l = f.loss(tape, outputs, start);
            chunkLosses.add(l.item());
            total = total == null ? l : total.plus(l);
        }
        tape.backward(total);
        return f.takeGradients();
    }

    static <S extends CellState> S detached(Cell<S> cell, S state) {
        return cell.withParts(state.parts().stream().map(Var::detach).toList());
    }

    static void assertClose(double[][] expected, double[][] actual) {
        for (int k = 0; k < expected.length; k++) {
            for (int i = 0; i < expected[k].length; i++) {
                double e = expected[k][i];
                assertEquals(e, actual[k][i], 1e-12 * Math.max(1, Math.abs(e)), "parameter " + k + ", element " + i);
            }
        }
    }
}
