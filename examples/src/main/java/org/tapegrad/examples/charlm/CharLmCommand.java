package org.tapegrad.examples.charlm;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.tapegrad.examples.cli.Checks;
import org.tapegrad.examples.cli.DTypeConverter;
import org.tapegrad.examples.cli.MemoryEstimate;
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
import org.tapegrad.layers.train.CarriedState;
import org.tapegrad.op.DType;

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

    @Option(names = "--resume", paramLabel = "FILE", description = {"Continue from a checkpoint written by an earlier run, exactly as if it had not stopped "
            + "(weights, optimizer moments, carried stream states, iteration). The options that define the run come from the checkpoint; "
            + "given again they must agree with it. --lr overrides the checkpoint's learning rate; --iterations counts the iterations to add."})
    private Path resume;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f64", converter = DTypeConverter.class,
            description = "Element type of the weights and the tape: f64 or f32 (default: ${DEFAULT-VALUE}).")
    private DType dtype;

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
        Checkpoint.Loaded from = resume == null ? null : Checkpoint.read(resume);
        if (from != null) {
            continueFrom(from.checkpoint().configuration());
        }
        Corpus corpus = text == null ? Corpus.generated(validFraction) : Corpus.read(text, validFraction, (int) Math.min(Integer.MAX_VALUE, bptt + 2L));
        CharTrainer trainer = new CharTrainer(batch, bptt, clip);
        if (corpus.train().length < trainer.minimumTextLength()) {
            throw new UserInputException("--batch " + batch + " and --bptt " + bptt + " need at least " + batch + " × " + (bptt + 1L) + " = "
                    + trainer.minimumTextLength() + " training characters; " + corpus.name() + " has " + corpus.train().length);
        }
        requireMemory(corpus.vocabulary().size());
        if (from != null) {
            requireSame("the vocabulary", from.checkpoint().configuration().get("vocabulary"), Checkpoint.vocabulary(corpus.vocabulary().codePoints()));
            requireSame("the training text (SHA-256 of its characters)", from.checkpoint().configuration().get("text"), digest(corpus.train()));
        }
        Path folder = output.prepare();
        PrintWriter out = spec.commandLine().getOut();

        CharModel<?> model = CharModel.create(cell, corpus.vocabulary().size(), embedding, hidden, seed);
        model.convertTo(dtype);   // before restoring: a checkpoint's weights are assigned into the model's element type
        Optimizer optimizer = optimizerKind == OptimizerKind.ADAM ? Adam.of(learningRate) : RmsProp.of(learningRate);
        long start = 0;
        CarriedState carried = null;
        if (from != null) {
            from.restore(model, optimizer);
            if (explicit("--lr")) {
                optimizer.setLearningRate(learningRate); // documented: --lr overrides the checkpoint's learning rate
            }
            learningRate = optimizer.learningRate();
            start = from.checkpoint().iteration();
            carried = from.checkpoint().carried();
        }
        Map<String, String> configuration = configuration(corpus);
        int[] valid = Arrays.copyOf(corpus.valid(), Math.min(corpus.valid().length, validChars));
        out.printf("charlm — %s: %d training and %d validation characters, vocabulary %d; %s H = %d, E = %d, %d parameters; "
                + "TBPTT k = %d over %d streams, %s lr %s, clip %s%s%s%n", corpus.name(), corpus.train().length, valid.length, corpus.vocabulary().size(),
                cell.label(), hidden, embedding, model.parameters().stream().mapToLong(p -> p.shape().size()).sum(), bptt, batch,
                optimizerKind.name().toLowerCase(Locale.ROOT), learningRate, clip, dtype == DType.F64 ? "" : ", " + dtype.longName(),
                from == null ? "" : "; resumed at iteration " + start + " (" + from.file().file() + ": written by tapegrad, checksum verified)");

        CsvTable log = new CsvTable("iteration", "train_nats_per_char", "train_bits_per_char", "valid_nats_per_char", "valid_bits_per_char");
        List<double[]> trainCurve = new ArrayList<>();
        List<double[]> validCurve = new ArrayList<>();
        Path checkpoint = folder.resolve("charlm.safetensors");
        double[] window = {0, 0};
        try (Progress progress = Progress.start("charlm", iterations, !quiet, spec.commandLine().getErr())) {
            long end = start + iterations;
            for (long done = start; done < end;) {
                long span = Math.min(evalEvery - done % evalEvery, end - done);
                carried = trainer.train(model, corpus.train(), optimizer, done, span, carried, (it, nats) -> {
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
                new Checkpoint(configuration, done, carried).save(model, optimizer, checkpoint);
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

    /** The options that define the run, saved in every checkpoint and compared on resume. */
    private Map<String, String> configuration(Corpus corpus) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("cell", cell.name().toLowerCase(Locale.ROOT));
        c.put("hidden", Integer.toString(hidden));
        c.put("embedding", Integer.toString(embedding));
        c.put("batch", Integer.toString(batch));
        c.put("bptt", Integer.toString(bptt));
        c.put("optimizer", optimizerKind.name().toLowerCase(Locale.ROOT));
        c.put("clip", Double.toString(clip));
        c.put("valid-fraction", Double.toString(validFraction));
        c.put("seed", Long.toString(seed));
        c.put("dtype", dtype.shortName());
        c.put("vocabulary", Checkpoint.vocabulary(corpus.vocabulary().codePoints()));
        c.put("text", digest(corpus.train()));
        return c;
    }

    /**
     * Takes every option that defines the run from the checkpoint's configuration. An option given on the command line
     * must agree with it (an error names both values); options left out take the checkpoint's value. The values are
     * then range-checked like options.
     */
    private void continueFrom(Map<String, String> saved) {
        cell = resumed("--cell", cell, saved, v -> CellKind.valueOf(v.toUpperCase(Locale.ROOT)));
        hidden = resumed("--hidden", hidden, saved, Integer::valueOf);
        embedding = resumed("--embedding", embedding, saved, Integer::valueOf);
        batch = resumed("--batch", batch, saved, Integer::valueOf);
        bptt = resumed("--bptt", bptt, saved, Integer::valueOf);
        optimizerKind = resumed("--optimizer", optimizerKind, saved, v -> OptimizerKind.valueOf(v.toUpperCase(Locale.ROOT)));
        clip = resumed("--clip", clip, saved, Double::valueOf);
        validFraction = resumed("--valid-fraction", validFraction, saved, Double::valueOf);
        seed = resumed("--seed", seed, saved, Long::valueOf);
        Map<String, String> withDtype = new LinkedHashMap<>(saved);
        withDtype.putIfAbsent("dtype", DType.F64.shortName());   // checkpoints from before --dtype existed are float64
        dtype = resumed("--dtype", dtype, withDtype, DType::parse);
        try {
            validate();
        } catch (ParameterException e) {
            throw new UserInputException("checkpoint " + resume + " holds an invalid configuration: " + e.getMessage().replace("invalid value for --", ""), e);
        }
    }

    private <T> T resumed(String option, T current, Map<String, String> saved, Function<String, T> parse) {
        String key = option.substring(2);
        String text = saved.get(key);
        if (text == null) {
            throw new UserInputException("checkpoint " + resume + " has no '" + key + "' in its configuration");
        }
        T fromCheckpoint;
        try {
            fromCheckpoint = parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("checkpoint " + resume + " has a malformed configuration: " + key + " = '" + text + "'", e);
        }
        if (explicit(option) && !fromCheckpoint.equals(current)) {
            throw new UserInputException(option + " " + show(current) + " conflicts with the checkpoint " + resume + ", which was trained with "
                    + option + " " + show(fromCheckpoint) + " (leave " + option + " out to continue that run, or drop --resume to start a new one)");
        }
        return fromCheckpoint;
    }

    private void requireSame(String what, String saved, String now) {
        if (!now.equals(saved)) {
            throw new UserInputException("checkpoint " + resume + " was trained on another text: " + what + " differs ("
                    + abbreviate(saved) + " in the checkpoint, " + abbreviate(now) + " now)");
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "none" : s.length() > 24 ? s.substring(0, 24) + "…" : s;
    }

    private static String show(Object value) {
        return value instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : String.valueOf(value);
    }

    private boolean explicit(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /**
     * Refuses sizes a matrix cannot hold and runs the heap cannot hold, before anything is allocated: parameters with
     * their gradients and two optimizer moments, the tape of one chunk (about 32 numbers per hidden unit and 6 per
     * character of the vocabulary, per step and stream), the sample.
     */
    private void requireMemory(int vocabulary) {
        long gates = (cell == CellKind.LSTM ? 4L : 3L) * hidden;
        String sizes = "--hidden " + hidden + " with --embedding " + embedding + ", --batch " + batch + ", --bptt " + bptt;
        MemoryEstimate.requireMatrix(sizes, "recurrent H×" + (cell == CellKind.LSTM ? "4" : "3") + "H", hidden, gates);
        MemoryEstimate.requireMatrix(sizes, "input E×" + (cell == CellKind.LSTM ? "4" : "3") + "H", embedding, gates);
        MemoryEstimate.requireMatrix(sizes, "chunk's B×" + (cell == CellKind.LSTM ? "4" : "3") + "H", batch, gates);
        double parameters = vocabulary * embedding + gates * ((double) embedding + hidden + 2) + (hidden + 1.0) * vocabulary;
        double tape = (double) batch * bptt * (32.0 * hidden + 6 * vocabulary + 2.0 * embedding);
        MemoryEstimate.requireHeap(sizes, 8 * (4 * parameters + tape) + 4.0 * sampleLength,
                "parameters with gradients and optimizer moments, and the tape of one chunk");
    }

    /** A short digest of the training text, so that a checkpoint is not continued on another text by mistake. */
    static String digest(int[] text) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(4 * text.length);
            bytes.asIntBuffer().put(text);
            return java.util.HexFormat.of().formatHex(sha.digest(bytes.array()), 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
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
        if (validChars < 2) {
            throw new ParameterException(spec.commandLine(), "invalid value for --valid-chars: " + validChars
                    + " (must be at least 2: validation predicts each character from the one before)");
        }
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
