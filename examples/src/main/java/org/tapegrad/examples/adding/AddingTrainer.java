package org.tapegrad.examples.adding;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.examples.model.CellKind;
import org.tapegrad.examples.model.SequenceRegressor;
import org.tapegrad.layers.optim.Adam;
import org.tapegrad.layers.optim.GradientClipping;
import org.tapegrad.layers.optim.Optimizer;
import org.tapegrad.op.DType;
import org.tapegrad.tape.BatchShards;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Trains one model on the adding problem: fresh random batches every iteration, Adam, gradient norm clipped, and
 * the mean squared error on a fixed test set measured at regular intervals.
 *
 * @param hidden H
 * @param iterations training iterations (one batch each)
 * @param batch sequences per batch
 * @param learningRate Adam's step size
 * @param clip maximum global gradient norm
 * @param testSize sequences in the fixed test set
 * @param evaluations how many times the test MSE is measured (evenly spaced, including the end)
 * @param dtype element type of the model and the tape (the weights are built in float64 from the seed, then converted)
 * @param shards parts each batch is cut into, each recorded on a tape of its own and run in parallel on up to
 *        {@code tapegrad.threads} threads ({@link BatchShards}); 1 records the batch on one tape. The weights depend on
 *        this number, never on the thread count.
 */
public record AddingTrainer(int hidden, int iterations, int batch, double learningRate, double clip, int testSize, int evaluations, DType dtype,
        int shards) {

    /** A float64 trainer. */
    public AddingTrainer(int hidden, int iterations, int batch, double learningRate, double clip, int testSize, int evaluations) {
        this(hidden, iterations, batch, learningRate, clip, testSize, evaluations, DType.F64);
    }

    /** A trainer recording each batch on one tape. */
    public AddingTrainer(int hidden, int iterations, int batch, double learningRate, double clip, int testSize, int evaluations, DType dtype) {
        this(hidden, iterations, batch, learningRate, clip, testSize, evaluations, dtype, 1);
    }

    /** One point of a learning curve. */
    public record Point(int iteration, double trainMse, double testMse) {
    }

    /**
     * A finished run.
     *
     * @param optimizer "adam" or "hf"
     * @param curvatureProducts Gauss-Newton products made (0 for Adam): HF's compute beside its steps
     * @param seconds wall time of the training loop
     */
    public record Run(CellKind cell, String optimizer, int length, List<Point> curve, double testBaseline, long curvatureProducts, double seconds) {

        /** The cell's label, with the optimizer when it is not Adam. */
        public String label() {
            return optimizer.equals("adam") ? cell.label() : cell.label() + " (" + optimizer.toUpperCase(java.util.Locale.ROOT) + ")";
        }

        public double finalTestMse() {
            return curve.get(curve.size() - 1).testMse();
        }
    }

    /** Trains {@code kind} at sequence length {@code length}; {@code onIteration} is called after every iteration. */
    public Run train(CellKind kind, int length, long seed, Runnable onIteration) {
        long started = System.nanoTime();
        Random random = new Random(seed);
        SequenceRegressor model = new SequenceRegressor(kind.build(kind.toString(), 2, hidden, random), 1, random);
        model.convertTo(dtype);
        List<Parameter> params = model.parameters();
        Optimizer optimizer = Adam.of(learningRate);
        AddingProblem.Batch test = AddingProblem.generate(testSize, length, new Random(seed ^ 0x5DEECE66DL));
        Random data = new Random(seed + 1);
        Tape tape = new Tape(dtype);
        BatchShards parts = shards > 1 ? new BatchShards(batch, shards, dtype) : null;
        List<Point> curve = new ArrayList<>();
        int every = Math.max(1, iterations / evaluations);
        double trainSum = 0;
        int trainCount = 0;
        for (int it = 1; it <= iterations; it++) {
            AddingProblem.Batch b = AddingProblem.generate(batch, length, data);
            if (parts == null) {
                Var loss = meanSquaredError(model, tape, b.inputs(), b.targets());
                tape.backward(loss);
                trainSum += loss.item();
                tape.reset();
            } else {
                // Each shard's mean over its rows, weighted by its share of the batch: together the batch mean.
                trainSum += parts.backward((shard, t) -> meanSquaredError(model, t, shard.rowsOfStepArrays(b.inputs()), shard.rowsOf(b.targets()))
                        .times(shard.weight()));
            }
            trainCount++;
            GradientClipping.clipByGlobalNorm(params, clip);
            optimizer.step(params);
            for (Parameter p : params) {
                p.zeroGrad();
            }
            if (it % every == 0 || it == iterations) {
                curve.add(new Point(it, trainSum / trainCount, mse(model, tape, test)));
                trainSum = 0;
                trainCount = 0;
            }
            onIteration.run();
        }
        return new Run(kind, "adam", length, List.copyOf(curve), test.baselineMse(), 0, (System.nanoTime() - started) / 1e9);
    }

    /** Mean squared error of the model on a batch, without recording gradients. */
    static double mse(SequenceRegressor model, Tape tape, AddingProblem.Batch b) {
        try (NoGrad ignored = tape.noGrad()) {
            return meanSquaredError(model, tape, b.inputs(), b.targets()).item();
        } finally {
            tape.reset();
        }
    }

    /** The model's mean squared error over the rows of {@code inputs} (T steps of B×2) against {@code targets} (B×1). */
    private static Var meanSquaredError(SequenceRegressor model, Tape tape, List<double[][]> inputs, double[][] targets) {
        return model.predict(tape, inputs).squaredError(tape.constant(targets)).mean();
    }
}
