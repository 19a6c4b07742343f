package org.tapegrad.examples.charlm;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

import org.tapegrad.examples.cli.Checks;
import org.tapegrad.examples.cli.OutputFolder;
import org.tapegrad.examples.cli.UserInputException;
import org.tapegrad.examples.io.AtomicFiles;
import org.tapegrad.examples.io.CsvTable;
import org.tapegrad.examples.io.LineChart;
import org.tapegrad.examples.io.Progress;
import org.tapegrad.examples.model.CellKind;
import org.tapegrad.layers.optim.Adam;
import org.tapegrad.layers.optim.Optimizer;
import org.tapegrad.layers.optim.RmsProp;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code charlm}: a character-level language model trained with truncated BPTT. */
@Command(name = "charlm", mixinStandardHelpOptions = true,
        description = {"Character language model: embedding → LSTM or GRU → softmax over characters, truncated BPTT over B parallel "
                + "streams, gradient clipping, Adam or RMSprop. Loss in nats/char and bits/char; validation on the held-out "
                + "tail of the text; samples with a temperature; safetensors checkpoints (--resume).",
            "Default text: a generated corpus (no download). Writes charlm.csv, charlm.png, charlm-sample.txt, charlm.safetensors."})
public final class CharLmCommand implements Callable<Integer> {

    /** The update rule. */
    public enum OptimizerKind { ADAM, RMSPROP }

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputFolder output = new OutputFolder();

    @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 text to model (default: a generated corpus).")
    private Path text;

    @Option(names = "--cell", paramLabel = "CELL", defaultValue = "lstm", description = "lstm or gru (default: ${DEFAULT-VALUE}).")
    private CellKind cell;

    @Option(names = "--hidden", paramLabel = "H", defaultValue = "128", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    private int hidden;

    @Option(names = "--embedding", paramLabel = "E", defaultValue = "32", description = "Embedding size (default: ${DEFAULT-VALUE}).")
    private int embedding;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "1000", description = "Training iterations (chunks) to run (default: ${DEFAULT-VALUE}).")
    private int iterations;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "32", description = "Parallel streams (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--bptt", paramLabel = "K", defaultValue = "32", description = "Steps per truncated-BPTT chunk (default: ${DEFAULT-VALUE}).")
    private int bptt;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam", description = "adam or rmsprop (default: ${DEFAULT-VALUE}).")
    private OptimizerKind optimizerKind;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.003", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    private double learningRate;

    @Option(names = "--clip", paramLabel = "NORM", defaultValue = "5.0", description = "Clip the global gradient norm (default: ${DEFAULT-VALUE}).")
    private double clip;

    @Option(names = "--valid-fraction", paramLabel = "F", defaultValue = "0.05", description = "Held-out tail of the text (default: ${DEFAULT-VALUE}).")
    private double validFraction;

    @Option(names = "--valid-chars", paramLabel = "N", defaultValue = "20000", description = "Validate on at most N characters of the tail (default: ${DEFAULT-VALUE}).")
    private int validChars;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "50", description = "Validate and checkpoint every N iterations (default: ${DEFAULT-VALUE}).")
    private int evalEvery;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    private double temperature;

    @Option(names = "--sample-length", paramLabel = "N", defaultValue = "400", description = "Characters to sample at the end (default: ${DEFAULT-VALUE}).")
    private int sampleLength;

    @Option(names = "--resume", paramLabel = "FILE", description = "Continue from a checkpoint written by an earlier run.")
    private Path resume;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--quiet", description = "No progress bar.")
    private boolean quiet;

    private double lastValid = Double.NaN;
    private double lastTrain = Double.NaN;
    private long lastIteration;

    @Override
    public Integer call() {
        validate();
        Checkpoint from = resume == null ? null : Checkpoint.read(resume);
        if (from != null && from.cell() != cell && spec.commandLine().getParseResult().hasMatchedOption("--cell")) {
            throw new UserInputException("checkpoint " + resume + " holds a " + from.cell() + " model, not " + cell);
        }
        Corpus corpus = text == null ? Corpus.generated(validFraction) : Corpus.read(text, validFraction, bptt + 2);
        Path folder = output.prepare();
        PrintWriter out = spec.commandLine().getOut();

        CellKind kind = from != null ? from.cell() : cell;
        int h = from != null ? from.hidden() : hidden;
        int e = from != null ? from.embedding() : embedding;
        if (from != null && !Arrays.equals(from.codePoints(), corpus.vocabulary().codePoints())) {
            throw new UserInputException("checkpoint " + resume + " was trained on a text with another vocabulary (" + from.codePoints().length
                    + " characters; this text has " + corpus.vocabulary().size() + ")");
        }
        CharModel<?> model = CharModel.create(kind, corpus.vocabulary().size(), e, h, seed);
        long start = 0;
        if (from != null) {
            Checkpoint.loadWeights(model, resume);
            start = from.iteration();
        }
        Optimizer optimizer = optimizerKind == OptimizerKind.ADAM ? Adam.of(learningRate) : RmsProp.of(learningRate);
        CharTrainer trainer = new CharTrainer(batch, bptt, clip);
        int[] valid = Arrays.copyOf(corpus.valid(), Math.min(corpus.valid().length, validChars));
        out.printf("charlm — %s: %d training and %d validation characters, vocabulary %d; %s H = %d, E = %d, %d parameters; "
                + "TBPTT k = %d over %d streams, %s lr %s, clip %s%s%n", corpus.name(), corpus.train().length, valid.length, corpus.vocabulary().size(),
                kind.label(), h, e, model.parameters().stream().mapToLong(p -> p.shape().size()).sum(), bptt, batch, optimizerKind.name().toLowerCase(Locale.ROOT),
                learningRate, clip, from == null ? "" : "; resumed at iteration " + start);

        CsvTable log = new CsvTable("iteration", "train_nats_per_char", "train_bits_per_char", "valid_nats_per_char", "valid_bits_per_char");
        List<double[]> trainCurve = new ArrayList<>();
        List<double[]> validCurve = new ArrayList<>();
        Path checkpoint = folder.resolve("charlm.safetensors");
        double[] window = {0, 0};
        try (Progress progress = Progress.start("charlm", iterations, !quiet, spec.commandLine().getErr())) {
            long end = start + iterations;
            for (long done = start; done < end;) {
                long span = Math.min(evalEvery - done % evalEvery, end - done);
                trainer.train(model, corpus.train(), optimizer, done, span, (it, nats) -> {
                    window[0] += nats;
                    window[1]++;
                    lastTrain = nats;
                    progress.step();
                    progress.message(String.format(Locale.ROOT, "%.3f nats/char, %.3f bits/char", nats, bits(nats)));
                });
                done += span;
                double train = window[0] / window[1];
                window[0] = 0;
                window[1] = 0;
                double v = trainer.evaluate(model, valid);
                lastValid = v;
                lastIteration = done;
                trainCurve.add(new double[] {done, bits(train)});
                validCurve.add(new double[] {done, bits(v)});
                log.add(done, train, bits(train), v, bits(v));
                new Checkpoint(kind, e, h, corpus.vocabulary().codePoints(), done).save(model, checkpoint);
                progress.message(String.format(Locale.ROOT, "valid %.3f bits/char", bits(v)));
            }
        }
        for (double[] row : validCurve) {
            out.printf(Locale.ROOT, "  iteration %6d   train %.3f bits/char   valid %.3f nats/char = %.3f bits/char%n", (long) row[0],
                    trainCurve.get(validCurve.indexOf(row))[1], row[1] * Math.log(2), row[1]);
        }
        int first = corpus.valid()[0];
        String sample = corpus.vocabulary().decode(new int[] {first})
                + corpus.vocabulary().decode(model.sample(first, sampleLength, new TemperatureSampler(temperature, new Random(seed + 99))));
        out.println();
        out.println("sample at temperature " + temperature + ":");
        out.println(sample);
        out.println();
        Path csv = log.write(folder.resolve("charlm.csv"));
        Path png = chart(trainCurve, validCurve, corpus.vocabulary().size()).savePng(folder.resolve("charlm.png"));
        Path txt = AtomicFiles.writeString(folder.resolve("charlm-sample.txt"), sample + "\n");
        out.println("wrote " + csv + ", " + png + ", " + txt + " and the checkpoint " + checkpoint + " (continue with --resume " + checkpoint + ")");
        out.flush();
        return 0;
    }

    private void validate() {
        if (cell != CellKind.LSTM && cell != CellKind.GRU) {
            throw new ParameterException(spec.commandLine(), "invalid value for --cell: " + cell + " (charlm uses lstm or gru)");
        }
        Checks.positive(spec, "--hidden", hidden);
        Checks.positive(spec, "--embedding", embedding);
        Checks.positive(spec, "--iterations", iterations);
        Checks.positive(spec, "--batch", batch);
        Checks.positive(spec, "--bptt", bptt);
        Checks.positive(spec, "--lr", learningRate);
        Checks.positive(spec, "--clip", clip);
        Checks.inRange(spec, "--valid-fraction", validFraction, 0.001, 0.5);
        Checks.positive(spec, "--valid-chars", validChars);
        Checks.positive(spec, "--eval-every", evalEvery);
        Checks.positive(spec, "--temperature", temperature);
        Checks.nonNegative(spec, "--sample-length", sampleLength);
    }

    static double bits(double nats) {
        return nats / Math.log(2);
    }

    static LineChart chart(List<double[]> train, List<double[]> valid, int vocabulary) {
        LineChart c = new LineChart("Character language model", "iteration", "bits per character", false);
        c.line("train (mean since last point)", train.stream().mapToDouble(r -> r[0]).toArray(), train.stream().mapToDouble(r -> r[1]).toArray());
        c.line("validation (held-out tail)", valid.stream().mapToDouble(r -> r[0]).toArray(), valid.stream().mapToDouble(r -> r[1]).toArray());
        return c;
    }

    /** Validation loss (nats/char) after the last evaluation. */
    public double lastValidNats() {
        return lastValid;
    }

    /** Training loss (nats/char) of the last iteration. */
    public double lastTrainNats() {
        return lastTrain;
    }

    /** Iteration reached. */
    public long lastIteration() {
        return lastIteration;
    }
}
