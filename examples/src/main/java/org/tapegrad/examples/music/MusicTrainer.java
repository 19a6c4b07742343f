package org.tapegrad.examples.music;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.tapegrad.examples.model.CellKind;
import org.tapegrad.examples.model.StepModel;
import org.tapegrad.layers.loss.Reduction;
import org.tapegrad.layers.loss.SequenceBinaryCrossEntropy;
import org.tapegrad.layers.optim.GradientClipping;
import org.tapegrad.layers.optim.Optimizer;
import org.tapegrad.layers.optim.RmsProp;
import org.tapegrad.layers.reg.Dropout;
import org.tapegrad.layers.reg.Mode;
import org.tapegrad.op.DType;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Chung et al. 2014's polyphonic-music setup: 88 sigmoid outputs with binary cross-entropy, RMSprop, the global
 * gradient norm rescaled to at most {@code clip}, and early stopping: training ends after {@code patience} epochs
 * without a better validation NLL, and the weights of the best epoch are kept.
 */
public record MusicTrainer(int maxEpochs, int patience, int batch, double learningRate, double clip, long seed, DType dtype, double dropout) {

    /** A trainer without dropout. */
    public MusicTrainer(int maxEpochs, int patience, int batch, double learningRate, double clip, long seed, DType dtype) {
        this(maxEpochs, patience, batch, learningRate, clip, seed, dtype, 0.0);
    }

    /** Checks the dropout rate (the other values are checked by the command's options). */
    public MusicTrainer {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout: expected a rate in [0, 1), got " + dropout);
        }
    }

    /** A float64 trainer. */
    public MusicTrainer(int maxEpochs, int patience, int batch, double learningRate, double clip, long seed) {
        this(maxEpochs, patience, batch, learningRate, clip, seed, DType.F64, 0.0);
    }

    /** NLL per time step (nats, summed over 88 pitches) after each epoch. */
    public record Epoch(int epoch, double train, double valid) {
    }

    /** The result for one cell. */
    public record Result(CellKind cell, int hidden, long parameters, List<Epoch> epochs, int bestEpoch, double train, double valid, double test) {
    }

    /** Hidden sizes giving about 20k parameters with 88 inputs and outputs, as in Chung et al. 2014. */
    public static int defaultHidden(CellKind kind) {
        return switch (kind) {
            case RNN -> 100;
            case GRU -> 46;
            case LSTM -> 36;
            default -> budgetMatched(kind);
        };
    }

    /**
     * The H whose model (cell and 88-key head) has the parameter count nearest to the LSTM of 36 units, the paper's budget.
     * The count grows with H, so the search stops at the first H at or past the budget and compares it with the one before
     * (building every H up to 256 took seconds, each build drawing its initial weights).
     */
    static int budgetMatched(CellKind kind) {
        long target = parameters(CellKind.LSTM, 36);
        long below = parameters(kind, 1);
        for (int h = 2; h <= 256; h++) {
            long count = parameters(kind, h);
            if (count >= target) {
                return count - target < target - below ? h : h - 1;
            }
            below = count;
        }
        return 256;
    }

    private static long parameters(CellKind kind, int hidden) {
        long cell = kind.build("probe", PianoRolls.PITCHES, hidden, new Random(0)).parameters().stream().mapToLong(Parameter::size).sum();
        return cell + (long) hidden * PianoRolls.PITCHES + PianoRolls.PITCHES;
    }

    /** Trains one model; {@code onBatch} is called after every training batch with the running train NLL. */
    public Result train(CellKind kind, int hidden, PianoRolls data, java.util.function.DoubleConsumer onBatch) {
        Random random = new Random(seed);
        StepModel model = new StepModel(kind.build(kind.toString(), PianoRolls.PITCHES, hidden, random), PianoRolls.PITCHES, random);
        model.convertTo(dtype);   // built in float64 from the seed, then rounded: the same weights in either type
        List<Parameter> params = model.parameters();
        Optimizer optimizer = RmsProp.of(learningRate);
        Tape tape = new Tape(dtype);
        List<double[][]> order = new ArrayList<>(data.train());
        List<Epoch> epochs = new ArrayList<>();
        double bestValid = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        List<Parameter.Snapshot> best = snapshot(params);
        // Masks come from their own stream, so that a run without dropout draws exactly what it drew before.
        Mode masks = dropout > 0 ? Mode.training(new Random(seed ^ 0x5DEECE66DL)) : Mode.eval();
        Dropout drop = new Dropout(dropout);
        for (int epoch = 1; epoch <= maxEpochs && epoch - bestEpoch <= patience; epoch++) {
            Collections.shuffle(order, random);
            for (MusicBatches.Batch b : MusicBatches.of(order, batch)) {
                Var loss = loss(model, tape, b, Reduction.MEAN_PER_STEP, h -> drop.apply(h, masks));
                tape.backward(loss);
                double value = loss.item();
                tape.reset();
                GradientClipping.clipByGlobalNorm(params, clip);
                optimizer.step(params);
                params.forEach(Parameter::zeroGrad);
                onBatch.accept(value);
            }
            double train = nll(model, tape, data.train());
            double valid = nll(model, tape, data.valid());
            epochs.add(new Epoch(epoch, train, valid));
            if (valid < bestValid) {
                bestValid = valid;
                bestEpoch = epoch;
                best = snapshot(params);
            }
        }
        restore(params, best);
        return new Result(kind, hidden, model.parameterCount(), List.copyOf(epochs), bestEpoch, nll(model, tape, data.train()), bestValid,
                nll(model, tape, data.test()));
    }

    /** NLL per time step (nats, summed over pitches) of a whole split, weighting every real frame equally. */
    double nll(StepModel model, Tape tape, List<double[][]> split) {
        double total = 0;
        long steps = 0;
        for (MusicBatches.Batch b : MusicBatches.of(split, Math.max(batch, 16))) {
            try (NoGrad ignored = tape.noGrad()) {
                total += loss(model, tape, b, Reduction.SUM, h -> h).item();
                steps += b.steps();
            } finally {
                tape.reset();
            }
        }
        return total / steps;
    }

    private static Var loss(StepModel model, Tape tape, MusicBatches.Batch b, Reduction reduction, java.util.function.UnaryOperator<Var> beforeHead) {
        List<Var> logits = model.logits(tape, b.inputs(tape), b.lengths(), beforeHead);
        return SequenceBinaryCrossEntropy.loss(logits, b.targets(tape), b.lengths(), reduction);
    }

    private static List<Parameter.Snapshot> snapshot(List<Parameter> params) {
        return params.stream().map(Parameter::snapshot).toList();
    }

    private static void restore(List<Parameter> params, List<Parameter.Snapshot> values) {
        for (int i = 0; i < params.size(); i++) {
            params.get(i).restore(values.get(i));
        }
    }
}
