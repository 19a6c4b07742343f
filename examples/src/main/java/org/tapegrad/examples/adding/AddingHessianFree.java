package org.tapegrad.examples.adding;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.tapegrad.examples.model.CellKind;
import org.tapegrad.examples.model.SequenceRegressor;
import org.tapegrad.layers.optim.HessianFree;
import org.tapegrad.tape.GaussNewton.Objective;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Trains one model on the adding problem with Hessian-free optimisation (Martens &amp; Sutskever 2011): a fresh
 * gradient batch every step, the curvature on its first {@code curvatureBatch} sequences, the step's hidden states
 * under structural damping; the same model, initialisation, test set and evaluation as {@link AddingTrainer}.
 *
 * @param hidden H
 * @param steps HF steps
 * @param batch sequences per gradient batch
 * @param curvatureBatch sequences of it used for Gauss-Newton products
 * @param settings the optimiser's settings
 * @param testSize sequences in the fixed test set
 * @param evaluations how many times the test MSE is measured
 */
public record AddingHessianFree(int hidden, int steps, int batch, int curvatureBatch, HessianFree.Settings settings, int testSize,
        int evaluations) {

    public AddingHessianFree {
        if (curvatureBatch < 1 || curvatureBatch > batch) {
            throw new IllegalArgumentException("adding: the curvature batch must be 1.." + batch + " (the gradient batch), got " + curvatureBatch);
        }
    }

    /** Trains {@code kind} at sequence length {@code length}; {@code onStep} gets every step's report. */
    public AddingTrainer.Run train(CellKind kind, int length, long seed, java.util.function.Consumer<HessianFree.StepReport> onStep) {
        long started = System.nanoTime();
        Random random = new Random(seed);
        SequenceRegressor model = new SequenceRegressor(kind.build(kind.toString(), 2, hidden, random), 1, random);
        List<Parameter> params = model.parameters();
        HessianFree optimizer = new HessianFree(settings);
        AddingProblem.Batch test = AddingProblem.generate(testSize, length, new Random(seed ^ 0x5DEECE66DL));
        Random data = new Random(seed + 1);
        Tape tape = new Tape();
        List<AddingTrainer.Point> curve = new ArrayList<>();
        int every = Math.max(1, steps / evaluations);
        double trainSum = 0;
        int trainCount = 0;
        long products = 0;
        for (int it = 1; it <= steps; it++) {
            AddingProblem.Batch b = AddingProblem.generate(batch, length, data);
            AddingProblem.Batch c = firstOf(b, curvatureBatch);
            Function<Tape, Objective> gradient = objective(model, b);
            Function<Tape, Objective> curvature = c == b ? gradient : objective(model, c);
            HessianFree.StepReport report = optimizer.step(params, gradient, curvature);
            products += report.curvatureProducts();
            trainSum += report.lossBefore();
            trainCount++;
            if (it % every == 0 || it == steps) {
                curve.add(new AddingTrainer.Point(it, trainSum / trainCount, AddingTrainer.mse(model, tape, test)));
                trainSum = 0;
                trainCount = 0;
            }
            onStep.accept(report);
        }
        return new AddingTrainer.Run(kind, "hf", length, List.copyOf(curve), test.baselineMse(), products, (System.nanoTime() - started) / 1e9);
    }

    /** The mean squared error of the batch, with every step's hidden state for structural damping. */
    private static Function<Tape, Objective> objective(SequenceRegressor model, AddingProblem.Batch b) {
        return tape -> {
            List<Var> states = new ArrayList<>(b.length());
            Var loss = model.predict(tape, b.inputs(), states).squaredError(tape.constant(b.targets())).mean();
            return new Objective(loss, states);
        };
    }

    private static AddingProblem.Batch firstOf(AddingProblem.Batch b, int n) {
        if (n == b.size()) {
            return b;
        }
        List<double[][]> inputs = new ArrayList<>(b.length());
        for (double[][] x : b.inputs()) {
            inputs.add(java.util.Arrays.copyOf(x, n));
        }
        return new AddingProblem.Batch(List.copyOf(inputs), java.util.Arrays.copyOf(b.targets(), n));
    }
}
