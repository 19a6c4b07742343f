package org.tapegrad.layers.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tapegrad.layers.HasParameters;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Parameter;

/**
 * Saves and loads all parameters of a model by their {@link Parameter#name() names}, one safetensors tensor per
 * parameter, stored 2-D {@code [rows, cols]} as tapegrad holds it (no transposition to PyTorch's layout here).
 *
 * <p>Loading is all or nothing: every parameter must have a tensor of the same name whose matrix view has the
 * parameter's shape (a 1-D tensor {@code [n]} fits a {@code 1 × n} parameter), and — unless
 * {@link ExtraTensors#IGNORE} — the file must hold no other tensor; everything is checked before any parameter is
 * written. Gradients and optimizer state are not touched.
 */
public final class ModelWeights {

    /** What to do with tensors in the file that match no parameter. */
    public enum ExtraTensors {
        /** Reject the file, naming the extra tensors. */
        REJECT,
        /** Ignore them. */
        IGNORE
    }

    private ModelWeights() {
    }

    /**
     * Saves every parameter of {@code model} in the model's own element type (exact: F64 for a float64 model, F32
     * for a float32 one), with a checksum.
     */
    public static void save(HasParameters model, Path file) throws IOException {
        save(model, file, model.dtype(), Map.of());
    }

    /** Saves every parameter of {@code model} in {@code dtype}, with extra {@code metadata} and a checksum. */
    public static void save(HasParameters model, Path file, DType dtype, Map<String, String> metadata)
            throws IOException {
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            WeightTensor t = p.dtype() == DType.F32 && dtype == DType.F32 ? WeightTensor.ofFloat32(p.value()) : WeightTensor.of(p.value()).withDtype(dtype);
            if (tensors.put(p.name(), t) != null) {
                throw new IllegalArgumentException("model has two parameters named '" + p.name() + "'");
            }
        }
        SafetensorsWriter.create().write(file, tensors, metadata);
    }

    /** Loads every parameter of {@code model} from {@code file}, rejecting extra tensors. */
    public static void load(HasParameters model, Path file) throws IOException {
        load(model, file, ExtraTensors.REJECT);
    }

    /**
     * Loads every parameter of {@code model} from {@code file}.
     *
     * @throws WeightFileException if the file is malformed, a parameter has no tensor or a tensor of another shape,
     *         or (with {@link ExtraTensors#REJECT}) the file has tensors no parameter asks for; no parameter is
     *         changed then
     */
    public static void load(HasParameters model, Path file, ExtraTensors extra) throws IOException {
        WeightFile contents = SafetensorsReader.create().read(file);
        List<Parameter> parameters = model.parameters();
        Set<String> names = new HashSet<>();
        List<String> missing = new ArrayList<>();
        for (Parameter p : parameters) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("model has two parameters named '" + p.name() + "'");
            }
            WeightTensor t = contents.tensors().get(p.name());
            if (t == null) {
                missing.add("'" + p.name() + "' " + p.shape());
            } else if (t.rows() != p.shape().rows() || t.cols() != p.shape().cols()) {
                throw new WeightFileException(file, "tensor '" + p.name() + "' has shape " + t.shapeString()
                        + " but the parameter is " + p.shape());
            }
        }
        if (!missing.isEmpty()) {
            throw new WeightFileException(file, "missing tensor" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " (the file has " + contents.tensors().keySet() + ")");
        }
        if (extra == ExtraTensors.REJECT) {
            List<String> unused = new ArrayList<>();
            for (String name : contents.tensors().keySet()) {
                if (!names.contains(name)) {
                    unused.add("'" + name + "'");
                }
            }
            if (!unused.isEmpty()) {
                throw new WeightFileException(file, "tensor" + (unused.size() > 1 ? "s " : " ")
                        + String.join(", ", unused) + " match no parameter of the model (use ExtraTensors.IGNORE"
                        + " to skip them)");
            }
        }
        for (Parameter p : parameters) {
            p.assign(contents.tensors().get(p.name()).toStore());
        }
    }
}
