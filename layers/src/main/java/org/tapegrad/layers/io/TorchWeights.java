package org.tapegrad.layers.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.tape.Layout;

/**
 * Saves and loads a recurrent network as the safetensors file of a PyTorch {@code nn.RNN}, {@code nn.LSTM} or
 * {@code nn.GRU} {@code state_dict()}: names {@code weight_ih_l<k>[_reverse]} {@code [GH, I]},
 * {@code weight_hh_l<k>[_reverse]} {@code [GH, H]}, {@code bias_ih_l<k>[_reverse]} and
 * {@code bias_hh_l<k>[_reverse]} 1-D {@code [GH]} (mapping in {@link TorchLayout}). A file written by
 * {@code safetensors.torch.save_file(model.state_dict(), …)} loads directly, and a saved file loads into PyTorch with
 * {@code load_state_dict(…, strict=True)}.
 *
 * <p><b>Prefix.</b> A {@code state_dict()} of a module holding the RNN as a field {@code self.lstm} names its tensors
 * {@code lstm.weight_ih_l0}, …; pass {@code "lstm."} as {@code prefix}. Saving then writes {@code prefix + name};
 * loading reads only tensors whose names start with {@code prefix} and ignores the others (other modules' weights,
 * e.g. {@code head.weight}). With the empty prefix every tensor of the file must belong to the network.
 *
 * <p><b>Loading</b> is all or nothing: every tensor the network needs must be present with exactly PyTorch's shape
 * (F64, or F32 widened exactly), no unused tensor may be under the prefix, and all this is checked before any
 * parameter changes. RNN and LSTM cells keep PyTorch's two biases as their sum, so a loaded-then-saved file has
 * {@code bias_ih} = the sum and {@code bias_hh} = 0: the same function, not the same bytes.
 */
public final class TorchWeights {

    private TorchWeights() {
    }

    /** Saves a cell or a {@code StackedCell} of cells as an unprefixed one-direction network. */
    public static void save(Path file, Cell<?> cellOrStack, DType dtype) throws IOException {
        save(file, TorchNetwork.of(cellOrStack), dtype, "");
    }

    /** Saves {@code network} without prefix. */
    public static void save(Path file, TorchNetwork network, DType dtype) throws IOException {
        save(file, network, dtype, "");
    }

    /**
     * Saves {@code network}'s weights in {@code dtype} (F32 rounds to nearest) under {@code prefix + } PyTorch's names,
     * replacing {@code file} atomically. The header's {@code __metadata__} holds {@code "format": "pt"} and tapegrad's
     * checksum, which PyTorch-side readers ignore.
     *
     * @throws IllegalArgumentException naming the file and the layer if a cell has no PyTorch equivalent (nothing is
     *         written then)
     */
    public static void save(Path file, TorchNetwork network, DType dtype, String prefix) throws IOException {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(prefix, "prefix");
        Map<String, int[]> shapes = shapes(network, (layer, reverse, problem) -> new IllegalArgumentException(
                "cannot save " + file + " in PyTorch's layout: " + layerName(layer, reverse) + ": " + problem.getMessage(), problem));
        Map<String, double[][]> values = new LinkedHashMap<>();
        forEachCell(network, (cell, layer, reverse) -> TorchLayout.exportLayer(cell, layer, reverse, values));
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            double[][] v = values.get(name);
            WeightTensor t = shape.length == 1 ? WeightTensor.vector(v[0]) : WeightTensor.of(v);
            tensors.put(prefix + name, t.withDtype(dtype));
        });
        SafetensorsWriter.create().write(file, tensors, Map.of("format", "pt"));
    }

    /** Loads an unprefixed file into a cell or a {@code StackedCell} of cells. */
    public static void load(Path file, Cell<?> cellOrStack) throws IOException {
        load(file, TorchNetwork.of(cellOrStack), "");
    }

    /** Loads an unprefixed file into {@code network}. */
    public static void load(Path file, TorchNetwork network) throws IOException {
        load(file, network, "");
    }

    /**
     * Loads the tensors named {@code prefix + } PyTorch's names from {@code file} into {@code network}.
     *
     * @throws WeightFileException naming the file and the tensor, with the expected and the found shape, if a tensor
     *         is missing or misshapen, if tensors under the prefix are not used by the network (e.g. a deeper or
     *         bidirectional network's), if a cell has no PyTorch equivalent, or if the file is not valid safetensors;
     *         no parameter is changed then
     */
    public static void load(Path file, TorchNetwork network, String prefix) throws IOException {
        Objects.requireNonNull(prefix, "prefix");
        WeightFile contents = SafetensorsReader.create().read(file);
        Map<String, WeightTensor> found = new LinkedHashMap<>();
        contents.tensors().forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                found.put(name.substring(prefix.length()), t);
            }
        });
        Map<String, int[]> expected = shapes(network, (layer, reverse, problem) -> new WeightFileException(file,
                layerName(layer, reverse) + " cannot take PyTorch's tensors (" + describe(prefix, layer, reverse, found) + "): "
                        + problem.getMessage(), problem));
        forEachCell(network, (cell, layer, reverse) -> {
            for (String name : TorchLayout.tensorNames(layer, reverse)) {
                WeightTensor t = found.get(name);
                String want = Arrays.toString(expected.get(name));
                if (t == null) {
                    throw new WeightFileException(file, "missing tensor '" + prefix + name + "': expected shape " + want
                            + ", found none (tensors under prefix '" + prefix + "': " + found.keySet() + ")");
                }
                if (!Arrays.equals(t.shape(), expected.get(name))) {
                    throw new WeightFileException(file, "tensor '" + prefix + name + "': expected shape " + want + " for "
                            + layerName(layer, reverse) + ", a " + cell.getClass().getSimpleName() + " with input size "
                            + cell.inputSize() + " and hidden size " + cell.hiddenSize() + ", found " + t.shapeString());
                }
            }
        });
        List<String> unused = new ArrayList<>();
        found.forEach((name, t) -> {
            if (!expected.containsKey(name)) {
                unused.add("'" + prefix + name + "' " + t.shapeString());
            }
        });
        if (!unused.isEmpty()) {
            throw new WeightFileException(file, "tensors not used by " + network + ": " + unused);
        }
        Map<String, double[][]> values = new LinkedHashMap<>();
        expected.keySet().forEach(name -> values.put(name, Layout.toRowMajor(found.get(name).toStore())));
        forEachCell(network, (cell, layer, reverse) -> TorchLayout.loadLayer(values, cell, layer, reverse));
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    private interface CellVisitor<E extends Exception> {
        void visit(Cell<?> cell, int layer, boolean reverse) throws E;
    }

    private interface Problem<E extends Exception> {
        E about(int layer, boolean reverse, IllegalArgumentException problem);
    }

    /** In {@code state_dict()} order: per layer, forward then reverse. */
    private static <E extends Exception> void forEachCell(TorchNetwork network, CellVisitor<E> visitor) throws E {
        for (int l = 0; l < network.layers(); l++) {
            visitor.visit(network.cell(l, false), l, false);
            if (network.isBidirectional()) {
                visitor.visit(network.cell(l, true), l, true);
            }
        }
    }

    /** PyTorch's names and shapes of all tensors of {@code network}, in {@code state_dict()} order. */
    private static <E extends Exception> Map<String, int[]> shapes(TorchNetwork network, Problem<E> problem) throws E {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        forEachCell(network, (cell, layer, reverse) -> {
            try {
                TorchLayout.layerShapes(cell, layer, reverse, shapes);
            } catch (IllegalArgumentException e) {
                throw problem.about(layer, reverse, e);
            }
        });
        return shapes;
    }

    /** The file's tensors of one layer with their shapes, for an error message. */
    private static String describe(String prefix, int layer, boolean reverse, Map<String, WeightTensor> found) {
        List<String> parts = new ArrayList<>();
        for (String name : TorchLayout.tensorNames(layer, reverse)) {
            WeightTensor t = found.get(name);
            parts.add("'" + prefix + name + "' " + (t == null ? "absent" : "found " + t.shapeString()));
        }
        return String.join(", ", parts);
    }

    private static String layerName(int layer, boolean reverse) {
        return "layer " + layer + (reverse ? " (reverse)" : "");
    }
}
