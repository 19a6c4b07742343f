package org.tapegrad.layers.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.layers.Embedding;
import org.tapegrad.layers.Linear;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.cell.StackedCell;
import org.tapegrad.layers.loss.Reduction;
import org.tapegrad.layers.loss.SequenceCrossEntropy;
import org.tapegrad.layers.optim.Adam;
import org.tapegrad.layers.optim.GradientClipping;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** Truncated BPTT with the library's LSTM, GRU and stacked cells, and an end-to-end training loop. */
class TruncatedBpttWithLayersTest {

    private static List<Cell<?>> cells(Random r) {
        return List.of(
                new LstmCell("lstm", 2, 3, r),
                new GruCell("gru", 2, 3, GruCell.Variant.values()[0], r),
                StackedCell.of(new LstmCell("l0", 2, 3, r), new RnnCell("l1", 3, 2, RnnCell.Activation.TANH, r)));
    }

    @Test
    void everyCellMatchesFullBpttAndTheHandWrittenDetach() {
        Random r = new Random(21);
        for (Cell<?> cell : cells(r)) {
            check(cell, r);
        }
    }

    private static <S extends CellState> void check(Cell<S> cell, Random r) {
        TbpttFixtures<S> f = new TbpttFixtures<>(cell, 9, 2, 2, r);
        TruncatedBpttProperties.Setup whole = new TruncatedBpttProperties.Setup(false, 9, 2, 2, 3, 9, 9, 0);
        double[][] chunked = TruncatedBpttProperties.runner(f, whole, new ArrayList<>());
        TruncatedBpttProperties.assertClose(TruncatedBpttProperties.fullBptt(f, 9, new double[1]), chunked);
        TruncatedBpttProperties.Setup truncated = new TruncatedBpttProperties.Setup(false, 9, 2, 2, 3, 4, 3, 0);
        double[][] runner = TruncatedBpttProperties.runner(f, truncated, new ArrayList<>());
        TruncatedBpttProperties.assertClose(TruncatedBpttProperties.handTruncated(f, 9, 4, 3, new ArrayList<>()), runner);
    }

    /** Embedding → LSTM → linear read-out learns to predict the next symbol of "abcd" repeated, in chunks of 8. */
    @Test
    void aCharacterModelLearnsARepeatingPatternInChunks() {
        Random r = new Random(2);
        int vocabulary = 4;
        int[] stream = new int[64];
        for (int t = 0; t < stream.length; t++) {
            stream[t] = t % vocabulary;
        }
        Embedding embedding = new Embedding("emb", vocabulary, 4, r);
        LstmCell lstm = new LstmCell("lstm", 4, 8, r);
        Linear readout = new Linear("out", 8, vocabulary, true, r);
        List<Parameter> parameters = new ArrayList<>(embedding.parameters());
        parameters.addAll(lstm.parameters());
        parameters.addAll(readout.parameters());
        Adam adam = Adam.of(0.05);
        TruncatedBptt<?> tbptt = new TruncatedBptt<>(lstm, 8, 8);
        int steps = stream.length - 1;
        double first = 0;
        double last = 0;
        for (int epoch = 0; epoch < 15; epoch++) {
            double[] total = new double[1];
            tbptt.run(new Tape(), steps, (tape, t) -> embedding.lookup(tape, stream[t]), null, chunk -> {
                List<Var> logits = chunk.outputs().stream().map(readout::apply).toList();
                int[][] next = new int[chunk.length()][];
                for (int j = 0; j < chunk.length(); j++) {
                    next[j] = new int[] {stream[chunk.start() + j + 1]};
                }
                return SequenceCrossEntropy.loss(logits, next, null, Reduction.MEAN_PER_STEP);
            }, result -> {
                total[0] += result.loss() * result.chunk().length() / steps;
                GradientClipping.clipByGlobalNorm(parameters, 5.0);
                adam.step(parameters);
                parameters.forEach(Parameter::zeroGrad);
            });
            if (epoch == 0) {
                first = total[0];
            }
            last = total[0];
        }
        assertTrue(first > 1.0, "starts near log 4 = 1.39, got " + first);
        assertTrue(last < 0.1, "per-step cross-entropy after training: " + last);
    }
}
