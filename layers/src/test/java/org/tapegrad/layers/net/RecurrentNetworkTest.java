package org.tapegrad.layers.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.check.property.GradientProperties;
import org.tapegrad.check.property.Subject;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.cell.StackedCell;
import org.tapegrad.layers.reg.Mode;
import org.tapegrad.layers.seq.Bidirectional;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.zoo.MinimalGatedUnit;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** The network is its building blocks run layer by layer; its knobs do what PyTorch's do; bad input is one line. */
class RecurrentNetworkTest {

    @Test
    void oneDirectionNetworkIsTheStackedCellBitForBit() {
        RecurrentNetwork net = RecurrentNetwork.builder(CellFactory.lstm(), 3, 4).layers(3).build(new Random(1));
        StackedCell stack = new StackedCell(net.cells());
        Tape tape = new Tape();
        List<Var> xs = steps(tape, 5, 2, 3, 9);
        int[] lengths = {5, 3};
        NetworkOutput out = net.run(tape, xs, NetworkOptions.defaults().withLengths(lengths));
        var unrolled = Unroll.fromZero(stack, tape, xs, lengths);
        for (int t = 0; t < 3; t++) {          // steps where both sequences are real
            assertArrayEquals(unrolled.outputs().get(t).toArray(), out.steps().get(t).toArray());
        }
        assertArrayEquals(unrolled.finalState().layer(2).output().toArray(), out.finalStates().get(2).output().toArray());
        assertArrayEquals(new double[4], out.steps().get(4).toArray()[1], "padded steps are zero, as PyTorch pads");
    }

    @Test
    void bidirectionalLayerIsBidirectionalRun() {
        RecurrentNetwork net = RecurrentNetwork.builder(CellFactory.gru(), 3, 2).bidirectional(true).build(new Random(2));
        assertEquals(4, net.outputSize());
        Tape tape = new Tape();
        List<Var> xs = steps(tape, 4, 3, 3, 1);
        NetworkOutput out = net.run(tape, xs, NetworkOptions.defaults());
        var expected = Bidirectional.run(net.cell(0, false, GruCell.class), net.cell(0, true, GruCell.class), tape, xs, null);
        for (int t = 0; t < 4; t++) {
            assertArrayEquals(expected.outputs().get(t).toArray(), out.steps().get(t).toArray());
        }
        assertArrayEquals(expected.backward().finalState().h().toArray(), out.finalStates().get(1).output().toArray());
        assertEquals(2 * 3, out.finalHidden().rows(), "h_n is [L·D, B, H] flattened");
    }

    @Test
    void dropoutActsBetweenLayersInTrainingOnlyAndIsSeeded() {
        RecurrentNetwork net = RecurrentNetwork.builder(CellFactory.rnn(RnnCell.Activation.TANH), 3, 6).layers(2).dropout(0.5).build(new Random(3));
        RecurrentNetwork without = net.withDropout(0);
        Tape tape = new Tape();
        List<Var> xs = steps(tape, 3, 4, 3, 2);
        double[][] eval = net.run(tape, xs, NetworkOptions.defaults()).output().toArray();
        assertArrayEquals(without.run(tape, xs, NetworkOptions.defaults()).output().toArray(), eval, "evaluation: no dropout");
        double[][] a = net.run(tape, xs, NetworkOptions.defaults().withMode(Mode.training(5))).output().toArray();
        assertArrayEquals(a, net.run(tape, xs, NetworkOptions.defaults().withMode(Mode.training(5))).output().toArray(), "seeded");
        assertFalse(Arrays.deepEquals(a, eval), "training drops");
        RecurrentNetwork oneLayer = RecurrentNetwork.builder(CellFactory.lstm(), 3, 6).dropout(0.5).build(new Random(3));
        assertArrayEquals(oneLayer.run(tape, xs, NetworkOptions.defaults()).output().toArray(),
                oneLayer.run(tape, xs, NetworkOptions.defaults().withMode(Mode.training(5))).output().toArray(), "no dropout after the last layer");
    }

    @Test
    void batchMajorLayoutSplitsAndPacksRowsAsPyTorchsBatchFirst() {
        Tape tape = new Tape();
        double[][] rows = new double[6][1];
        for (int r = 0; r < 6; r++) {
            rows[r][0] = r;          // batch-major [B=2, T=3]: row b·3 + t
        }
        List<Var> steps = SequenceLayout.BATCH_MAJOR.split(tape.constant(rows), 2);
        assertEquals(3, steps.size());
        assertArrayEquals(new double[][] {{1}, {4}}, steps.get(1).toArray(), "step 1 of sequences 0 and 1");
        assertArrayEquals(rows, SequenceLayout.BATCH_MAJOR.pack(steps).toArray());
        assertArrayEquals(new double[][] {{0}, {3}, {1}, {4}, {2}, {5}}, SequenceLayout.TIME_MAJOR.pack(steps).toArray());
        assertThrows(IllegalArgumentException.class, () -> SequenceLayout.TIME_MAJOR.split(tape.constant(rows), 4));
    }

    /** BPTT through a 2-layer bidirectional network of a zoo cell, with lengths, initial states and dropout in training. */
    @Test
    void gradientsOfAWholeNetworkMatchFiniteDifferences() {
        GradientProperties.forSubjects(z -> {
            RecurrentNetwork net = RecurrentNetwork.builder((n, i, h, r) -> new MinimalGatedUnit(n, i, h, r), z.inputs(), z.hidden())
                    .layers(2).bidirectional(true).dropout(0.3).layout(SequenceLayout.BATCH_MAJOR).build(new Random(z.seed()));
            Random r = new Random(z.seed() + 1);
            Parameter x = random("x", z.batch() * z.steps(), z.inputs(), r);
            Parameter h0 = random("h0", 4 * z.batch(), z.hidden(), r);
            int[] lengths = new int[z.batch()];
            for (int b = 0; b < lengths.length; b++) {
                lengths[b] = 1 + r.nextInt(z.steps());
            }
            List<Parameter> all = new ArrayList<>(net.parameters());
            all.add(x);
            all.add(h0);
            return new Subject(tape -> {
                NetworkOutput out = net.run(tape, tape.param(x), z.batch(), NetworkOptions.defaults().withLengths(lengths)
                        .withInitial(tape.param(h0)).withMode(Mode.training(z.seed())));
                int h = z.hidden();       // forward half, reverse half and h_n, all H wide, stacked
                return org.tapegrad.tape.Ops.concatRows(out.output().columns(0, h), out.output().columns(h, 2 * h), out.finalHidden());
            }, all);
        }).examples(20).check();
    }

    @Test
    void badInputIsOneLineNamingWhatWasExpected() {
        RecurrentNetwork net = RecurrentNetwork.builder(CellFactory.lstm(), 3, 4).layers(2).bidirectional(true).build(new Random(1));
        Tape tape = new Tape();
        List<Var> xs = steps(tape, 2, 2, 3, 1);
        assertMessage(() -> net.run(tape, steps(tape, 2, 2, 5, 1), NetworkOptions.defaults()), "expected B×3");
        assertMessage(() -> net.run(tape, xs, NetworkOptions.defaults().withInitial(tape.filled(8, 4, 0))), "1 initial parts given, the cells' states have 2");
        assertMessage(() -> net.run(tape, xs, NetworkOptions.defaults().withInitial(tape.filled(6, 4, 0), tape.filled(6, 4, 0))),
                "expected 8×4 ([L·D, B, H] flattened)");
        assertMessage(() -> net.run(tape, xs, NetworkOptions.defaults().withLengths(1, 2, 3)), "3 lengths for a batch of 2");
        assertMessage(() -> net.cell(0, true, GruCell.class), "is a LstmCell, not a GruCell");
        assertMessage(() -> RecurrentNetwork.bidirectional(List.of(new LstmCell("a", 3, 4, new Random(1)), new LstmCell("b", 4, 4, new Random(1))),
                List.of(new LstmCell("c", 3, 4, new Random(1)), new LstmCell("d", 4, 4, new Random(1)))), "expected input 8, hidden 4");
        assertMessage(() -> RecurrentNetwork.builder(CellFactory.lstm(), 3, 4).layers(0), "layers must be at least 1");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment) && !e.getMessage().contains("\n"), e.getMessage());
    }

    static List<Var> steps(Tape tape, int steps, int batch, int inputs, long seed) {
        Random r = new Random(seed);
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            xs.add(tape.constant(random("x", batch, inputs, r).value()));
        }
        return xs;
    }

    static Parameter random(String name, int rows, int cols, Random r) {
        double[][] v = new double[rows][cols];
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = 2 * r.nextDouble() - 1;
            }
        }
        return Parameter.of(name, v);
    }
}
