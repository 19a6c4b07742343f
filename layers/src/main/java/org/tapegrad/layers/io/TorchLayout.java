package org.tapegrad.layers.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.TorchBlock;
import org.tapegrad.layers.cell.TorchParameters;
import org.tapegrad.layers.net.RecurrentNetwork;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

/**
 * PyTorch's names and layouts for the weights of a network's cells, both ways, as {@code Map<String, double[][]>}
 * (row-major; PyTorch's 1-D tensors are single rows {@code 1×n} here). Each cell says how its weights appear in
 * PyTorch by implementing {@link TorchParameters}; layer k of direction d adds {@code _l<k>} or
 * {@code _l<k>_reverse} to its blocks' names, so the built-in cells give {@code nn.RNN}/{@code nn.LSTM}/{@code nn.GRU}'s
 * {@code weight_ih_l<k>[_reverse]} ({@code GH×I} = {@code wxᵀ}), {@code weight_hh_l<k>[_reverse]} ({@code GH×H}),
 * {@code bias_ih_l<k>[_reverse]} and {@code bias_hh_l<k>[_reverse]}, G = 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU:
 * r, z, n), the gate blocks in the same order on both sides.
 *
 * <p>Biases: PyTorch's RNN and LSTM add two biases that always appear as a sum; ours keep the sum
 * ({@link TorchBlock.Summed}): export writes {@code bias_ih = b, bias_hh = 0}, import sets
 * {@code b = bias_ih + bias_hh}, and each of PyTorch's two bias gradients is our {@code b}'s gradient.
 */
public final class TorchLayout {

    private TorchLayout() {
    }

    // ---- whole networks ----------------------------------------------------------------------------------------

    /** The weights of a one-direction network: a single cell is layer 0, a {@code StackedCell}'s layers are 0, 1, … */
    public static Map<String, double[][]> export(Cell<?> network) {
        return export(RecurrentNetwork.of(network));
    }

    /** The weights of every layer and direction of {@code network}, in {@code state_dict()} order. */
    public static Map<String, double[][]> export(RecurrentNetwork network) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        forEachCell(network, (cell, layer, reverse) -> exportLayer(cell, layer, reverse, out));
        return out;
    }

    /** The accumulated gradients ({@link Parameter#grad()}) of every cell under PyTorch's names: what {@code .grad} would hold. */
    public static Map<String, double[][]> exportGradients(RecurrentNetwork network) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        forEachCell(network, (cell, layer, reverse) -> exportLayerGradients(cell, layer, reverse, out));
        return out;
    }

    /** The weights of a bidirectional network: layer l's forward and backward ({@code _reverse}) cells. */
    public static Map<String, double[][]> exportBidirectional(List<? extends Cell<?>> forwardLayers, List<? extends Cell<?>> backwardLayers) {
        return export(RecurrentNetwork.bidirectional(forwardLayers, backwardLayers));
    }

    /** Loads a one-direction network's weights (as {@link #export(Cell)} names them) into {@code network}. */
    public static void load(Map<String, double[][]> weights, Cell<?> network) {
        load(weights, RecurrentNetwork.of(network));
    }

    /** Loads a bidirectional network's weights (as {@link #exportBidirectional} names them). */
    public static void loadBidirectional(Map<String, double[][]> weights, List<? extends Cell<?>> forwardLayers, List<? extends Cell<?>> backwardLayers) {
        load(weights, RecurrentNetwork.bidirectional(forwardLayers, backwardLayers));
    }

    /**
     * Loads every layer of {@code network} from {@code weights}.
     *
     * @throws IllegalArgumentException naming the tensor if one is missing, has the wrong shape, or is not used
     */
    public static void load(Map<String, double[][]> weights, RecurrentNetwork network) {
        TreeSet<String> unused = new TreeSet<>(weights.keySet());
        forEachCell(network, (cell, layer, reverse) -> {
            loadLayer(weights, cell, layer, reverse);
            unused.removeAll(tensorNames(cell, layer, reverse));
        });
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("TorchLayout: tensors not used by this model: " + unused);
        }
    }

    // ---- one layer ---------------------------------------------------------------------------------------------

    /** Adds the PyTorch tensors of one cell, as layer {@code layer} of direction {@code reverse}, to {@code into}. */
    public static void exportLayer(Cell<?> cell, int layer, boolean reverse, Map<String, double[][]> into) {
        write(cell, suffix(layer, reverse), Parameter::value, false, into);
    }

    /** The accumulated gradients of one cell under PyTorch's names, i.e. what PyTorch's {@code .grad} of each tensor would hold. */
    public static void exportLayerGradients(Cell<?> cell, int layer, boolean reverse, Map<String, double[][]> into) {
        write(cell, suffix(layer, reverse), Parameter::grad, true, into);
    }

    /**
     * Adds PyTorch's shapes of one cell's tensors, as {@code state_dict()} has them (1-D where PyTorch is 1-D), to
     * {@code into}, in {@code state_dict()} order.
     *
     * @throws IllegalArgumentException for a cell without a PyTorch equivalent
     */
    public static void layerShapes(Cell<?> cell, int layer, boolean reverse, Map<String, int[]> into) {
        String s = suffix(layer, reverse);
        for (TorchBlock block : blocks(cell)) {
            for (int k = 0; k < block.names().size(); k++) {
                into.put(block.names().get(k) + s, block.torchShapes().get(k));
            }
        }
    }

    /** The names of the four tensors of a built-in cell ({@code nn.RNN/LSTM/GRU}) of layer {@code layer}, direction {@code reverse}. */
    public static List<String> tensorNames(int layer, boolean reverse) {
        String s = suffix(layer, reverse);
        return List.of("weight_ih" + s, "weight_hh" + s, "bias_ih" + s, "bias_hh" + s);
    }

    /** The names of {@code cell}'s tensors as layer {@code layer}, direction {@code reverse}, in {@code state_dict()} order. */
    public static List<String> tensorNames(Cell<?> cell, int layer, boolean reverse) {
        String s = suffix(layer, reverse);
        List<String> names = new ArrayList<>();
        for (TorchBlock block : blocks(cell)) {
            block.names().forEach(n -> names.add(n + s));
        }
        return names;
    }

    /** Loads the tensors of layer {@code layer}, direction {@code reverse}, into {@code cell}; other keys are ignored. */
    public static void loadLayer(Map<String, double[][]> weights, Cell<?> cell, int layer, boolean reverse) {
        String s = suffix(layer, reverse);
        List<TorchBlock> blocks = blocks(cell);
        List<MatrixStore<Double>> values = new ArrayList<>();
        for (TorchBlock block : blocks) {          // every tensor checked before any parameter changes
            List<double[][]> found = new ArrayList<>();
            for (int k = 0; k < block.names().size(); k++) {
                int[] shape = block.torchShapes().get(k);
                found.add(fetch(weights, block.names().get(k) + s, shape.length == 1 ? 1 : shape[0], shape[shape.length - 1]));
            }
            values.add(block.fromTorch(found));
        }
        for (int k = 0; k < blocks.size(); k++) {
            blocks.get(k).parameter().assign(values.get(k));
        }
    }

    /** The cell's blocks, or a one-line error naming the cell. */
    static List<TorchBlock> blocks(Cell<?> cell) {
        if (cell instanceof TorchParameters named) {
            try {
                return named.torchBlocks();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("TorchLayout: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("TorchLayout: no PyTorch layout for " + cell.getClass().getName()
                + "; expected a cell implementing TorchParameters (RnnCell, LstmCell, GruCell LINEAR_BEFORE_RESET, or your own)");
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    interface CellVisitor {
        void visit(Cell<?> cell, int layer, boolean reverse);
    }

    /** In {@code state_dict()} order: per layer, forward then reverse. */
    static void forEachCell(RecurrentNetwork network, CellVisitor visitor) {
        for (int l = 0; l < network.layers(); l++) {
            visitor.visit(network.cell(l, false), l, false);
            if (network.isBidirectional()) {
                visitor.visit(network.cell(l, true), l, true);
            }
        }
    }

    private static void write(Cell<?> cell, String s, Function<Parameter, MatrixStore<Double>> source, boolean gradients, Map<String, double[][]> into) {
        for (TorchBlock block : blocks(cell)) {
            List<double[][]> tensors = block.toTorch(source.apply(block.parameter()), gradients);
            for (int k = 0; k < tensors.size(); k++) {
                into.put(block.names().get(k) + s, tensors.get(k));
            }
        }
    }

    static String suffix(int layer, boolean reverse) {
        if (layer < 0) {
            throw new IllegalArgumentException("TorchLayout: layer index must be non-negative, got " + layer);
        }
        return "_l" + layer + (reverse ? "_reverse" : "");
    }

    private static double[][] fetch(Map<String, double[][]> weights, String name, int rows, int cols) {
        double[][] a = weights.get(name);
        if (a == null) {
            throw new IllegalArgumentException("TorchLayout: missing tensor " + name + " (expected " + rows + "×" + cols + "); present: " + new TreeSet<>(weights.keySet()));
        }
        if (a.length != rows || Arrays.stream(a).anyMatch(r -> r.length != cols)) {
            throw new IllegalArgumentException("TorchLayout: tensor " + name + " is " + a.length + "×" + (a.length == 0 ? 0 : a[0].length)
                    + ", expected " + rows + "×" + cols);
        }
        return a;
    }
}
