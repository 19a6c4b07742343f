package org.tapegrad.layers.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.layers.HasParameters;
import org.tapegrad.layers.optim.Optimizer;
import org.tapegrad.layers.optim.OptimizerState;
import org.tapegrad.layers.optim.SlotValues;
import org.tapegrad.layers.random.RandomState;
import org.tapegrad.layers.train.CarriedState;
import org.tapegrad.layers.train.TrainingState;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.op.Shape;

/**
 * The whole state of a training run in one safetensors file, so that a resumed run computes the same bits as one that
 * never stopped: the weights, the optimizer's state, and a {@link TrainingState} (counters, random generators, carried
 * recurrent states, configuration). Always written with tapegrad's SHA-256 checksum and always read requiring it.
 *
 * <p>Layout, readable by any safetensors tool: every parameter as a {@code [rows, cols]} F64 tensor under its name;
 * optimizer slots as {@code optimizer/<parameter>/<slot>}, shaped like their parameter; carried states as
 * {@code carried/<stream>/<part>} ({@code B×H}). Metadata: {@code tapegrad.kind = training-checkpoint},
 * {@code optimizer}, {@code optimizer.learning_rate}, {@code optimizer.steps/<parameter>}, {@code counter.<name>},
 * {@code random.<name>}, {@code config.<name>}. Doubles are written by {@link Double#toString}, which reads back exactly.
 */
public final class TrainingCheckpoint {

    static final String KIND_KEY = "tapegrad.kind";
    static final String KIND = "training-checkpoint";
    private static final String OPTIMIZER = "optimizer";
    private static final String LEARNING_RATE = "optimizer.learning_rate";
    private static final String STEPS = "optimizer.steps/";
    private static final String SLOT = "optimizer/";
    private static final String CARRIED = "carried/";
    private static final String COUNTER = "counter.";
    private static final String RANDOM = "random.";
    private static final String CONFIG = "config.";

    private final Path file;
    private final WeightFile contents;
    private final OptimizerState optimizer;
    private final TrainingState state;

    private TrainingCheckpoint(Path file, WeightFile contents, OptimizerState optimizer, TrainingState state) {
        this.file = file;
        this.contents = contents;
        this.optimizer = optimizer;
        this.state = state;
    }

    /**
     * Writes {@code model}'s weights, {@code optimizer}'s state and {@code state} to {@code file}, atomically (a stale
     * temporary file of an interrupted earlier write is removed).
     *
     * @throws IllegalArgumentException if the optimizer holds state for a parameter that is not in the model, or two
     *         parameters share a name
     */
    public static void write(Path file, HasParameters model, Optimizer optimizer, TrainingState state) throws IOException {
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            if (tensors.put(p.name(), WeightTensor.of(p.value())) != null) {
                throw new IllegalArgumentException("model has two parameters named '" + p.name() + "'");
            }
            shapes.put(p.name(), p.shape());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(KIND_KEY, KIND);
        OptimizerState o = optimizer.state();
        metadata.put(OPTIMIZER, o.optimizer());
        metadata.put(LEARNING_RATE, Double.toString(o.learningRate()));
        o.parameters().forEach((name, slots) -> {
            Shape shape = shapes.get(name);
            if (shape == null) {
                throw new IllegalArgumentException("the optimizer holds state for '" + name + "', which is not a parameter of the model "
                        + shapes.keySet());
            }
            metadata.put(STEPS + name, Long.toString(slots.steps()));
            slots.arrays().forEach((slot, values) -> tensors.put(SLOT + name + "/" + slot, WeightTensor.of(rowMajor(values, shape))));
        });
        state.carried().forEach((stream, carried) -> {
            for (int k = 0; k < carried.size(); k++) {
                tensors.put(CARRIED + stream + "/" + k, WeightTensor.of(carried.part(k)));
            }
        });
        state.counters().forEach((name, value) -> metadata.put(COUNTER + name, Long.toString(value)));
        state.randoms().forEach((name, r) -> metadata.put(RANDOM + name, r.encode()));
        state.configuration().forEach((name, value) -> metadata.put(CONFIG + name, value));
        SafetensorsWriter.create().write(file, tensors, metadata);
    }

    /**
     * Reads and verifies a checkpoint: the checksum must be present and match, and its metadata is validated like
     * user input (counters whole numbers ≥ 0, step counts ≥ 0, random states well formed, every optimizer slot and
     * carried part accounted for).
     *
     * @throws WeightFileException naming the file and the first problem
     */
    public static TrainingCheckpoint read(Path file) throws IOException {
        WeightFile contents = SafetensorsReader.requiringChecksum().read(file);
        Map<String, String> meta = contents.metadata();
        if (!KIND.equals(meta.get(KIND_KEY))) {
            throw new WeightFileException(file, "is not a training checkpoint (its metadata has no '" + KIND_KEY + ": " + KIND + "')");
        }
        Map<String, String> configuration = new LinkedHashMap<>();
        Map<String, Long> counters = new LinkedHashMap<>();
        Map<String, RandomState> randoms = new LinkedHashMap<>();
        Map<String, Long> steps = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (key.startsWith(CONFIG)) {
                configuration.put(key.substring(CONFIG.length()), value);
            } else if (key.startsWith(COUNTER)) {
                counters.put(key.substring(COUNTER.length()), count(file, key, value));
            } else if (key.startsWith(STEPS)) {
                steps.put(key.substring(STEPS.length()), count(file, key, value));
            } else if (key.startsWith(RANDOM)) {
                try {
                    randoms.put(key.substring(RANDOM.length()), RandomState.decode(value));
                } catch (IllegalArgumentException bad) {
                    throw new WeightFileException(file, "metadata '" + key + "': " + bad.getMessage());
                }
            }
        }
        String optimizerName = meta.get(OPTIMIZER);
        if (optimizerName == null || optimizerName.isEmpty()) {
            throw new WeightFileException(file, "metadata has no '" + OPTIMIZER + "' entry");
        }
        double learningRate = learningRate(file, meta.get(LEARNING_RATE));
        Map<String, Map<String, double[]>> slots = new LinkedHashMap<>();
        Map<String, List<MatrixStore<Double>>> carriedParts = new LinkedHashMap<>();
        contents.tensors().forEach((name, t) -> {
            if (name.startsWith(SLOT)) {
                int cut = name.lastIndexOf('/');
                String parameter = name.substring(SLOT.length(), Math.max(cut, SLOT.length()));
                slots.computeIfAbsent(parameter, k -> new LinkedHashMap<>()).put(name.substring(cut + 1), null);
            } else if (name.startsWith(CARRIED)) {
                int cut = name.lastIndexOf('/');
                carriedParts.computeIfAbsent(name.substring(CARRIED.length(), Math.max(cut, CARRIED.length())), k -> new ArrayList<>());
            }
        });
        for (String parameter : slots.keySet()) {
            if (!steps.containsKey(parameter)) {
                throw new WeightFileException(file, "optimizer slots of '" + parameter + "' but no metadata '" + STEPS + parameter + "'");
            }
        }
        for (String parameter : steps.keySet()) {
            slots.computeIfAbsent(parameter, k -> new LinkedHashMap<>());
        }
        Map<String, CarriedState> carried = new LinkedHashMap<>();
        for (Map.Entry<String, List<MatrixStore<Double>>> e : carriedParts.entrySet()) {
            List<MatrixStore<Double>> parts = e.getValue();
            for (int k = 0;; k++) {
                WeightTensor t = contents.tensors().get(CARRIED + e.getKey() + "/" + k);
                if (t == null) {
                    break;
                }
                parts.add(t.toStore());
            }
            try {
                carried.put(e.getKey(), CarriedState.of(parts));
            } catch (IllegalArgumentException bad) {
                throw new WeightFileException(file, "carried state '" + e.getKey() + "': " + bad.getMessage()
                        + " (parts must be named " + CARRIED + e.getKey() + "/0, /1, …)");
            }
        }
        TrainingState state;
        try {
            state = new TrainingState(configuration, counters, randoms, carried);
        } catch (IllegalArgumentException bad) {
            throw new WeightFileException(file, bad.getMessage());
        }
        // The optimizer's arrays are shaped by parameters the model defines, so they are converted in restore().
        Map<String, SlotValues> placeholders = new LinkedHashMap<>();
        slots.forEach((parameter, names) -> placeholders.put(parameter, new SlotValues(Map.of(), steps.get(parameter))));
        return new TrainingCheckpoint(file, contents, new OptimizerState(optimizerName, learningRate, placeholders), state);
    }

    /** Where it was read from. */
    public Path file() {
        return file;
    }

    /** Counters, random generators, carried states and configuration. */
    public TrainingState state() {
        return state;
    }

    /** The name of the optimizer that wrote the state, e.g. {@code "Adam"}. */
    public String optimizerName() {
        return optimizer.optimizer();
    }

    /** The learning rate the optimizer had when the checkpoint was written. */
    public double learningRate() {
        return optimizer.learningRate();
    }

    /**
     * Loads the weights into {@code model} and the optimizer state into {@code optimizer}. Everything is checked first
     * (every parameter present with its shape, no unknown tensor, every optimizer slot shaped like its parameter, the
     * optimizer of the same kind), so on failure neither is changed.
     *
     * @throws WeightFileException naming the file, the tensor and both shapes
     */
    public void restore(HasParameters model, Optimizer optimizer) throws WeightFileException {
        List<Parameter> parameters = model.parameters();
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (byName.put(p.name(), p) != null) {
                throw new IllegalArgumentException("model has two parameters named '" + p.name() + "'");
            }
            WeightTensor t = contents.tensors().get(p.name());
            if (t == null) {
                throw new WeightFileException(file, "missing tensor '" + p.name() + "' " + p.shape() + " (the model does not match the checkpoint)");
            }
            requireShape(t, p, p.name());
        }
        Map<String, Map<String, double[]>> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, WeightTensor> e : contents.tensors().entrySet()) {
            String name = e.getKey();
            if (name.startsWith(CARRIED) || byName.containsKey(name)) {
                continue;
            }
            Parameter p = null;
            if (name.startsWith(SLOT)) {
                int cut = name.lastIndexOf('/');
                p = byName.get(name.substring(SLOT.length(), Math.max(cut, SLOT.length())));
                if (p != null) {
                    requireShape(e.getValue(), p, name);
                    arrays.computeIfAbsent(p.name(), k -> new LinkedHashMap<>()).put(name.substring(cut + 1), storageOrder(e.getValue(), p.shape()));
                }
            }
            if (p == null) {
                throw new WeightFileException(file, "tensor '" + name + "' belongs to no parameter of the model " + byName.keySet());
            }
        }
        Map<String, SlotValues> slots = new LinkedHashMap<>();
        optimizer().parameters().forEach((name, placeholder) -> {
            slots.put(name, new SlotValues(arrays.getOrDefault(name, Map.of()), placeholder.steps()));
        });
        try {
            optimizer.loadState(new OptimizerState(this.optimizer.optimizer(), this.optimizer.learningRate(), slots), parameters);
        } catch (IllegalArgumentException e) {
            throw new WeightFileException(file, "optimizer state does not fit: " + e.getMessage(), e);
        }
        for (Parameter p : parameters) {
            p.assign(contents.tensors().get(p.name()).toStore());
        }
    }

    private OptimizerState optimizer() {
        return optimizer;
    }

    private void requireShape(WeightTensor t, Parameter p, String tensor) throws WeightFileException {
        if (t.rows() != p.shape().rows() || t.cols() != p.shape().cols()) {
            throw new WeightFileException(file, "tensor '" + tensor + "' has shape " + t.shapeString() + " but the parameter '" + p.name()
                    + "' is " + p.shape());
        }
    }

    private static long count(Path file, String key, String value) throws WeightFileException {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new WeightFileException(file, "metadata '" + key + "' is '" + value + "'; expected a whole number ≥ 0");
    }

    private static double learningRate(Path file, String value) throws WeightFileException {
        try {
            double rate = value == null ? Double.NaN : Double.parseDouble(value);
            if (rate > 0 && Double.isFinite(rate)) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new WeightFileException(file, "metadata '" + LEARNING_RATE + "' is '" + value + "'; expected a finite number > 0");
    }

    /** A storage-order array (as an optimizer holds it) as a row-major matrix of {@code shape}. */
    private static MatrixStore<Double> rowMajor(double[] storageOrder, Shape shape) {
        if (storageOrder.length != shape.size()) {
            throw new IllegalArgumentException("an optimizer slot of " + storageOrder.length + " elements for a parameter of shape " + shape);
        }
        double[] rowMajor = new double[storageOrder.length];
        for (int i = 0; i < storageOrder.length; i++) {
            rowMajor[Layout.rowOf(i, shape) * shape.cols() + Layout.columnOf(i, shape)] = storageOrder[i];
        }
        return Layout.matrix(shape.rows(), shape.cols(), rowMajor);
    }

    private static double[] storageOrder(WeightTensor t, Shape shape) {
        double[] storage = new double[shape.size()];
        for (int i = 0; i < storage.length; i++) {
            storage[i] = t.get(Layout.rowOf(i, shape), Layout.columnOf(i, shape));
        }
        return storage;
    }
}
