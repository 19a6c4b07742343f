package org.tapegrad.layers.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.cell.StackedCell;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

/**
 * PyTorch's names and layouts for the weights of {@code nn.RNN}, {@code nn.LSTM} and {@code nn.GRU}, both ways, as
 * {@code Map<String, double[][]>} (row-major; PyTorch's 1-D biases are single rows {@code 1×GH}).
 *
 * <p>Layer k of direction d has {@code weight_ih_l<k>[_reverse]} ({@code GH×I} = our {@code wxᵀ}),
 * {@code weight_hh_l<k>[_reverse]} ({@code GH×H} = {@code whᵀ}), {@code bias_ih_l<k>[_reverse]} and
 * {@code bias_hh_l<k>[_reverse]} ({@code 1×GH}), with G = 1 (RNN), 4 (LSTM, blocks i, f, g, o) or 3 (GRU, blocks
 * r, z, n). Gate blocks are in the same order on both sides, so transposing is the whole conversion.
 *
 * <p>Biases: PyTorch's RNN and LSTM add two biases that always appear as a sum, ours keep that sum {@code b}. Export
 * writes {@code bias_ih = b, bias_hh = 0}; import sets {@code b = bias_ih + bias_hh}. The model computes the same
 * function either way; the gradient with respect to each of PyTorch's two biases is our {@code b}'s gradient. A
 * {@link GruCell} in {@link GruCell.Variant#LINEAR_BEFORE_RESET} keeps both biases ({@code b} = {@code bias_ih},
 * {@code bh} = {@code bias_hh}) because {@code bias_hh}'s n block sits inside the reset gate. The
 * {@link GruCell.Variant#RESET_BEFORE_MATMUL} GRU and the sigmoid RNN have no PyTorch equivalent and are rejected.
 */
public final class TorchLayout {

    private TorchLayout() {
    }

    // ---- export ------------------------------------------------------------------------------------------------

    /** The weights of a one-direction network: a single cell is layer 0, a {@link StackedCell}'s layers are 0, 1, … */
    public static Map<String, double[][]> export(Cell<?> network) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        List<Cell<?>> layers = layersOf(network);
        for (int l = 0; l < layers.size(); l++) {
            exportLayer(layers.get(l), l, false, out);
        }
        return out;
    }

    /** The weights of a bidirectional network: layer l's forward and backward ({@code _reverse}) cells. */
    public static Map<String, double[][]> exportBidirectional(List<? extends Cell<?>> forwardLayers, List<? extends Cell<?>> backwardLayers) {
        checkSameDepth(forwardLayers, backwardLayers);
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (int l = 0; l < forwardLayers.size(); l++) {
            exportLayer(forwardLayers.get(l), l, false, out);
            exportLayer(backwardLayers.get(l), l, true, out);
        }
        return out;
    }

    /** Adds the four PyTorch tensors of one cell, as layer {@code layer} of direction {@code reverse}, to {@code into}. */
    public static void exportLayer(Cell<?> cell, int layer, boolean reverse, Map<String, double[][]> into) {
        write(cell, suffix(layer, reverse), Parameter::value, false, into);
    }

    /**
     * The accumulated gradients of one cell under PyTorch's names, i.e. what PyTorch's {@code .grad} of each
     * tensor would hold. For RNN and LSTM both {@code bias_ih} and {@code bias_hh} get our {@code b}'s gradient.
     */
    public static void exportLayerGradients(Cell<?> cell, int layer, boolean reverse, Map<String, double[][]> into) {
        write(cell, suffix(layer, reverse), Parameter::grad, true, into);
    }

    // ---- shapes ------------------------------------------------------------------------------------------------

    /**
     * Adds PyTorch's shapes of one cell's four tensors, as {@code state_dict()} has them, to {@code into}, in
     * {@code state_dict()} order: {@code weight_ih} {@code [GH, I]}, {@code weight_hh} {@code [GH, H]}, and the
     * biases 1-D {@code [GH]} (the maps of {@link #export} hold those biases as {@code 1×GH} rows).
     *
     * @throws IllegalArgumentException for a cell without a PyTorch equivalent
     */
    public static void layerShapes(Cell<?> cell, int layer, boolean reverse, Map<String, int[]> into) {
        Parameter[] p = mapped(cell);
        int gh = p[0].shape().cols();
        List<String> n = tensorNames(layer, reverse);
        into.put(n.get(0), new int[] {gh, p[0].shape().rows()});
        into.put(n.get(1), new int[] {gh, cell.hiddenSize()});
        into.put(n.get(2), new int[] {gh});
        into.put(n.get(3), new int[] {gh});
    }

    /** PyTorch's names of the four tensors of layer {@code layer}, direction {@code reverse}, in {@code state_dict()} order. */
    public static List<String> tensorNames(int layer, boolean reverse) {
        String s = suffix(layer, reverse);
        return List.of("weight_ih" + s, "weight_hh" + s, "bias_ih" + s, "bias_hh" + s);
    }

    // ---- import ------------------------------------------------------------------------------------------------

    /**
     * Loads a one-direction network's weights (as {@link #export(Cell)} names them) into {@code network}.
     *
     * @throws IllegalArgumentException naming the tensor if one is missing, has the wrong shape, or is not used
     */
    public static void load(Map<String, double[][]> weights, Cell<?> network) {
        List<Cell<?>> layers = layersOf(network);
        TreeSet<String> unused = new TreeSet<>(weights.keySet());
        for (int l = 0; l < layers.size(); l++) {
            loadLayer(weights, layers.get(l), l, false);
            unused.removeAll(tensorNames(l, false));
        }
        rejectUnused(unused);
    }

    /** Loads a bidirectional network's weights (as {@link #exportBidirectional} names them). */
    public static void loadBidirectional(Map<String, double[][]> weights, List<? extends Cell<?>> forwardLayers, List<? extends Cell<?>> backwardLayers) {
        checkSameDepth(forwardLayers, backwardLayers);
        TreeSet<String> unused = new TreeSet<>(weights.keySet());
        for (int l = 0; l < forwardLayers.size(); l++) {
            loadLayer(weights, forwardLayers.get(l), l, false);
            loadLayer(weights, backwardLayers.get(l), l, true);
            unused.removeAll(tensorNames(l, false));
            unused.removeAll(tensorNames(l, true));
        }
        rejectUnused(unused);
    }

    /** Loads the four tensors of layer {@code layer}, direction {@code reverse}, into {@code cell}; other keys are ignored. */
    public static void loadLayer(Map<String, double[][]> weights, Cell<?> cell, int layer, boolean reverse) {
        String s = suffix(layer, reverse);
        Parameter[] p = mapped(cell);
        int gh = p[0].shape().cols();
        int in = p[0].shape().rows();
        int h = cell.hiddenSize();
        double[][] wIh = fetch(weights, "weight_ih" + s, gh, in);
        double[][] wHh = fetch(weights, "weight_hh" + s, gh, h);
        double[][] bIh = fetch(weights, "bias_ih" + s, 1, gh);
        double[][] bHh = fetch(weights, "bias_hh" + s, 1, gh);
        p[0].assign(Layout.matrix(wIh).transpose());
        p[1].assign(Layout.matrix(wHh).transpose());
        if (p[3] != null) {
            p[2].assign(bIh);
            p[3].assign(bHh);
        } else {
            p[2].assign(sum(bIh, bHh));
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    /** {@code [wx, wh, b, bh-or-null]} of a cell PyTorch can represent. */
    private static Parameter[] mapped(Cell<?> cell) {
        if (cell instanceof RnnCell rnn) {
            if (rnn.activation() == RnnCell.Activation.SIGMOID) {
                throw new IllegalArgumentException("TorchLayout: an RnnCell with sigmoid activation has no PyTorch equivalent (nn.RNN offers tanh and relu)");
            }
            return new Parameter[] {rnn.wx(), rnn.wh(), rnn.b(), null};
        }
        if (cell instanceof LstmCell lstm) {
            return new Parameter[] {lstm.wx(), lstm.wh(), lstm.b(), null};
        }
        if (cell instanceof GruCell gru) {
            if (gru.variant() != GruCell.Variant.LINEAR_BEFORE_RESET) {
                throw new IllegalArgumentException("TorchLayout: GruCell variant " + gru.variant() + " (reset before the matmul) has no PyTorch equivalent;"
                        + " nn.GRU computes LINEAR_BEFORE_RESET");
            }
            return new Parameter[] {gru.wx(), gru.wh(), gru.b(), gru.bh()};
        }
        throw new IllegalArgumentException("TorchLayout: no PyTorch layout for " + cell.getClass().getName()
                + "; expected RnnCell, LstmCell or GruCell (LINEAR_BEFORE_RESET), or a StackedCell of them");
    }

    private static void write(Cell<?> cell, String s, Function<Parameter, MatrixStore<Double>> source, boolean gradients, Map<String, double[][]> into) {
        Parameter[] p = mapped(cell);
        into.put("weight_ih" + s, Layout.toRowMajor(source.apply(p[0]).transpose()));
        into.put("weight_hh" + s, Layout.toRowMajor(source.apply(p[1]).transpose()));
        double[][] b = Layout.toRowMajor(source.apply(p[2]));
        into.put("bias_ih" + s, b);
        if (p[3] != null) {
            into.put("bias_hh" + s, Layout.toRowMajor(source.apply(p[3])));
        } else {
            into.put("bias_hh" + s, gradients ? new double[][] {b[0].clone()} : new double[1][b[0].length]);
        }
    }

    private static List<Cell<?>> layersOf(Cell<?> network) {
        return network instanceof StackedCell stack ? stack.layers() : List.of(network);
    }

    private static String suffix(int layer, boolean reverse) {
        if (layer < 0) {
            throw new IllegalArgumentException("TorchLayout: layer index must be non-negative, got " + layer);
        }
        return "_l" + layer + (reverse ? "_reverse" : "");
    }

    private static void checkSameDepth(List<? extends Cell<?>> forward, List<? extends Cell<?>> backward) {
        if (forward.isEmpty() || forward.size() != backward.size()) {
            throw new IllegalArgumentException("TorchLayout: bidirectional needs as many forward as backward layers (at least one), got "
                    + forward.size() + " and " + backward.size());
        }
    }

    private static void rejectUnused(TreeSet<String> unused) {
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("TorchLayout: tensors not used by this model: " + unused);
        }
    }

    private static double[][] fetch(Map<String, double[][]> weights, String name, int rows, int cols) {
        double[][] a = weights.get(name);
        if (a == null) {
            throw new IllegalArgumentException("TorchLayout: missing tensor " + name + " (expected " + rows + "×" + cols + "); present: " + new TreeSet<>(weights.keySet()));
        }
        if (a.length != rows || java.util.Arrays.stream(a).anyMatch(r -> r.length != cols)) {
            throw new IllegalArgumentException("TorchLayout: tensor " + name + " is " + a.length + "×" + (a.length == 0 ? 0 : a[0].length)
                    + ", expected " + rows + "×" + cols);
        }
        return a;
    }

    /** {@code a + b} of two {@code 1×n} rows. */
    private static double[][] sum(double[][] a, double[][] b) {
        double[] s = new double[a[0].length];
        for (int j = 0; j < s.length; j++) {
            s[j] = a[0][j] + b[0][j];
        }
        return new double[][] {s};
    }
}
