package org.tapegrad.layers.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.layers.HasParameters;
import org.tapegrad.layers.Linear;
import org.tapegrad.layers.Theories;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.layers.io.ModelWeights;
import org.tapegrad.layers.io.TrainingCheckpoint;
import org.tapegrad.layers.loss.Reduction;
import org.tapegrad.layers.loss.SequenceSquaredError;
import org.tapegrad.layers.optim.Adam;
import org.tapegrad.layers.optim.GradientClipping;
import org.tapegrad.layers.optim.Optimizer;
import org.tapegrad.layers.random.ResumableRandom;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Resume = not stopped, for a training loop with every kind of state a checkpoint must hold: Adam's moments and step
 * counts, a random generator drawing each iteration's inputs (uniform and Gaussian, so the cached second Gaussian
 * matters), the LSTM state carried between truncated-BPTT chunks, a learning-rate schedule driven by the iteration
 * counter. For a random stop point N: N iterations, checkpoint, a fresh model (initialized differently) and optimizer
 * restored from the file, continue to M; the weights equal those of M uninterrupted iterations byte for byte.
 */
class ResumeEquivalenceProperties {

    private static final int TOTAL = 14;
    private static final int INPUTS = 3;
    private static final int HIDDEN = 5;
    private static final int BATCH = 2;
    private static final int CHUNK = 4;

    @TempDir
    Path dir;

    /** The model: LSTM → linear read-out of one number per step. */
    record Model(LstmCell lstm, Linear head) implements HasParameters {
        static Model initialized(long seed) {
            java.util.Random r = new java.util.Random(seed);
            return new Model(new LstmCell("lstm", INPUTS, HIDDEN, 1.0, r), new Linear("head", HIDDEN, 1, true, r));
        }

        @Override
        public List<Parameter> parameters() {
            List<Parameter> all = new ArrayList<>(lstm.parameters());
            all.addAll(head.parameters());
            return all;
        }
    }

    /** Everything the loop holds between iterations. */
    static final class Run {
        final Model model;
        final Optimizer optimizer = Adam.of(0.02);
        ResumableRandom data = new ResumableRandom(99);
        CarriedState carried;
        long iteration;

        Run(Model model) {
            this.model = model;
        }

        /** One iteration: a chunk of random inputs (target: the running sum of the first input), TBPTT, clip, Adam. */
        void iterate() {
            double[][][] xs = new double[CHUNK][BATCH][INPUTS];
            double[][][] ys = new double[CHUNK][BATCH][1];
            for (int t = 0; t < CHUNK; t++) {
                for (int b = 0; b < BATCH; b++) {
                    for (int i = 0; i < INPUTS; i++) {
                        xs[t][b][i] = i == 0 ? data.nextDouble() : 0.3 * data.nextGaussian();
                    }
                    ys[t][b][0] = xs[t][b][0] + (t > 0 ? ys[t - 1][b][0] : 0);
                }
            }
            optimizer.setLearningRate(0.02 * Math.pow(0.95, iteration)); // the schedule's position is the iteration counter
            List<Parameter> params = model.parameters();
            carried = TruncatedBptt.every(model.lstm(), CHUNK).run(new Tape(), CHUNK, (tape, t) -> tape.constant(xs[t]), carried, chunk -> {
                List<Var> predictions = new ArrayList<>();
                List<Var> targets = new ArrayList<>();
                for (int t = 0; t < chunk.length(); t++) {
                    predictions.add(model.head().apply(chunk.outputs().get(t)));
                    targets.add(chunk.tape().constant(ys[t]));
                }
                return SequenceSquaredError.loss(predictions, targets, null, Reduction.MEAN_PER_STEP);
            }, result -> {
                GradientClipping.clipByGlobalNorm(params, 1.0);
                optimizer.step(params);
                params.forEach(Parameter::zeroGrad);
            });
            iteration++;
        }

        void runTo(long end) {
            while (iteration < end) {
                iterate();
            }
        }

        void checkpoint(Path file) throws IOException {
            Map<String, CarriedState> streams = carried == null ? Map.of() : Map.of("train", carried);
            TrainingCheckpoint.write(file, model, optimizer, new TrainingState(Map.of("hidden", Integer.toString(HIDDEN)),
                    Map.of("iteration", iteration), Map.of("data", data.state()), streams));
        }

        static Run resumed(Path file) throws IOException {
            Run run = new Run(Model.initialized(12345)); // other initial weights: the checkpoint must replace them all
            TrainingCheckpoint checkpoint = TrainingCheckpoint.read(file);
            checkpoint.restore(run.model, run.optimizer);
            TrainingState state = checkpoint.state();
            run.iteration = state.counter("iteration");
            run.data = ResumableRandom.restoredFrom(state.randoms().get("data"));
            run.carried = state.carried().get("train");
            return run;
        }
    }

    @Test
    void resumingFromAnyIterationGivesTheWeightsOfAnUninterruptedRunByteForByte() throws IOException {
        Run uninterrupted = new Run(Model.initialized(7));
        uninterrupted.runTo(TOTAL);
        byte[] expected = weightBytes(uninterrupted.model, "uninterrupted");
        Theories.qt(6).forAll(integers().between(1, TOTAL - 1)).checkAssert(stop -> {
            try {
                Run first = new Run(Model.initialized(7));
                first.runTo(stop);
                Path file = dir.resolve("stop-" + stop + ".safetensors");
                first.checkpoint(file);
                Run second = Run.resumed(file);
                assertEquals((long) stop, second.iteration);
                second.runTo(TOTAL);
                assertArrayEquals(expected, weightBytes(second.model, "resumed-" + stop), "weights after resuming at iteration " + stop);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void withoutTheOptimizerStateTheResumedRunDiverges() throws IOException {
        // The property above could pass vacuously if the state did not matter; this shows that it does.
        Run uninterrupted = new Run(Model.initialized(7));
        uninterrupted.runTo(TOTAL);
        Run first = new Run(Model.initialized(7));
        first.runTo(TOTAL / 2);
        Path file = dir.resolve("half.safetensors");
        first.checkpoint(file);
        Run resumed = Run.resumed(file);
        resumed.optimizer.reset();
        resumed.runTo(TOTAL);
        assertFalse(java.util.Arrays.equals(weightBytes(uninterrupted.model, "a"), weightBytes(resumed.model, "b")),
                "forgetting Adam's moments must change the weights");
    }

    private byte[] weightBytes(HasParameters model, String name) throws IOException {
        Path file = dir.resolve(name + ".weights.safetensors");
        ModelWeights.save(model, file);
        return Files.readAllBytes(file);
    }
}
