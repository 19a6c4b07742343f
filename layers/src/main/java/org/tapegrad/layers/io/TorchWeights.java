package org.tapegrad.layers.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Predicate;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.net.CellFactory;
import org.tapegrad.layers.net.RecurrentNetwork;
import org.tapegrad.op.DType;
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
        save(file, RecurrentNetwork.of(cellOrStack), dtype, "");
    }

    /** Saves {@code network} without prefix. */
    public static void save(Path file, RecurrentNetwork network, DType dtype) throws IOException {
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
    public static void save(Path file, RecurrentNetwork network, DType dtype, String prefix) throws IOException {
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
        load(file, RecurrentNetwork.of(cellOrStack), "");
    }

    /** Loads an unprefixed file into {@code network}. */
    public static void load(Path file, RecurrentNetwork network) throws IOException {
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
    public static void load(Path file, RecurrentNetwork network, String prefix) throws IOException {
        Objects.requireNonNull(prefix, "prefix");
        load(file, network, prefix, SafetensorsReader.create().read(file, name -> name.startsWith(prefix)).tensors());
    }

    /**
     * Loads the network from the tensors of {@code file} whose names {@code select} accepts (names as in the file,
     * no prefix), e.g. {@code name -> name.startsWith("weight_") || name.startsWith("bias_")} in a file that also
     * holds inputs and outputs. Other tensors are not read.
     *
     * @throws WeightFileException as {@link #load(Path, RecurrentNetwork, String)}, for the selected tensors
     */
    public static void load(Path file, RecurrentNetwork network, Predicate<String> select) throws IOException {
        Objects.requireNonNull(select, "select");
        load(file, network, "", SafetensorsReader.create().read(file, select).tensors());
    }

    private static void load(Path file, RecurrentNetwork network, String prefix, Map<String, WeightTensor> selected) throws IOException {
        Map<String, WeightTensor> found = new LinkedHashMap<>();
        selected.forEach((name, t) -> found.put(name.substring(prefix.length()), t));
        Map<String, int[]> expected = shapes(network, (layer, reverse, problem) -> new WeightFileException(file,
                layerName(layer, reverse) + " cannot take PyTorch's tensors (" + describe(prefix, network.cell(layer, reverse), layer, reverse, found) + "): "
                        + problem.getMessage(), problem));
        forEachCell(network, (cell, layer, reverse) -> {
            for (String name : TorchLayout.tensorNames(cell, layer, reverse)) {
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

    /**
     * A network built from the shapes of the tensors under {@code prefix} in {@code file} alone ({@link StateDictShape}:
     * LSTM, GRU, or an RNN of {@code rnnActivation}, which the file cannot tell), loaded from them.
     */
    public static RecurrentNetwork build(Path file, String prefix, RnnCell.Activation rnnActivation) throws IOException {
        Map<String, WeightTensor> found = underPrefix(file, prefix);
        return build(file, prefix, StateDictShape.of(file, found).cells(rnnActivation));
    }

    /** {@link #build(Path, String, RnnCell.Activation)} with tanh RNN cells (PyTorch's default). */
    public static RecurrentNetwork build(Path file, String prefix) throws IOException {
        return build(file, prefix, RnnCell.Activation.TANH);
    }

    /**
     * A network of {@code cells} (the user's own too) with the layers, directions, input and hidden size read off the
     * file's {@code weight_ih_l<k>}/{@code weight_hh_l0} tensors under {@code prefix}, loaded from the file.
     */
    public static RecurrentNetwork build(Path file, String prefix, CellFactory cells) throws IOException {
        Map<String, WeightTensor> found = underPrefix(file, prefix);
        StateDictShape shape = StateDictShape.of(file, found);
        RecurrentNetwork network = RecurrentNetwork.builder(cells, shape.inputSize(), shape.hiddenSize()).layers(shape.layers())
                .bidirectional(shape.bidirectional()).build(new Random(0));   // every weight is overwritten by the load
        Map<String, WeightTensor> prefixed = new LinkedHashMap<>();
        found.forEach((name, t) -> prefixed.put(prefix + name, t));
        load(file, network, prefix, prefixed);
        return network;
    }

    /** The network's weights as PyTorch's {@code state_dict()} holds them: names, shapes (1-D biases), F64. */
    public static Map<String, WeightTensor> stateDict(RecurrentNetwork network) {
        return tensors(network, TorchLayout.export(network));
    }

    /**
     * The accumulated gradients ({@code Parameter.grad()}) under PyTorch's names and shapes: what each tensor's
     * {@code .grad} would hold after the same backward pass in PyTorch.
     */
    public static Map<String, WeightTensor> gradients(RecurrentNetwork network) {
        return tensors(network, TorchLayout.exportGradients(network));
    }

    private static Map<String, WeightTensor> tensors(RecurrentNetwork network, Map<String, double[][]> values) {
        Map<String, int[]> shapes = shapes(network, (layer, reverse, problem) -> problem);
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> out.put(name, shape.length == 1 ? WeightTensor.vector(values.get(name)[0]) : WeightTensor.of(values.get(name))));
        return out;
    }

    private static Map<String, WeightTensor> underPrefix(Path file, String prefix) throws IOException {
        Objects.requireNonNull(prefix, "prefix");
        Map<String, WeightTensor> found = new LinkedHashMap<>();
        SafetensorsReader.create().read(file, name -> name.startsWith(prefix)).tensors()
                .forEach((name, t) -> found.put(name.substring(prefix.length()), t));
        return found;
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    private interface CellVisitor<E extends Exception> {
        void visit(Cell<?> cell, int layer, boolean reverse) throws E;
    }

    private interface Problem<E extends Exception> {
        E about(int layer, boolean reverse, IllegalArgumentException problem);
    }

    /** In {@code state_dict()} order: per layer, forward then reverse. */
    private static <E extends Exception> void forEachCell(RecurrentNetwork network, CellVisitor<E> visitor) throws E {
        for (int l = 0; l < network.layers(); l++) {
            visitor.visit(network.cell(l, false), l, false);
            if (network.isBidirectional()) {
                visitor.visit(network.cell(l, true), l, true);
            }
        }
    }

    /** PyTorch's names and shapes of all tensors of {@code network}, in {@code state_dict()} order. */
    private static <E extends Exception> Map<String, int[]> shapes(RecurrentNetwork network, Problem<E> problem) throws E {
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
    private static String describe(String prefix, Cell<?> cell, int layer, boolean reverse, Map<String, WeightTensor> found) {
        List<String> parts = new ArrayList<>();
        List<String> names;
        try {
            names = TorchLayout.tensorNames(cell, layer, reverse);
        } catch (IllegalArgumentException e) {
            names = TorchLayout.tensorNames(layer, reverse);   // a cell without a layout: show what nn.RNN's would be
        }
        for (String name : names) {
            WeightTensor t = found.get(name);
            parts.add("'" + prefix + name + "' " + (t == null ? "absent" : "found " + t.shapeString()));
        }
        return String.join(", ", parts);
    }

    private static String layerName(int layer, boolean reverse) {
        return "layer " + layer + (reverse ? " (reverse)" : "");
    }
}
