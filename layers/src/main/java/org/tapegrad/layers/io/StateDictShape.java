package org.tapegrad.layers.io;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.net.CellFactory;

/**
 * The shape of an {@code nn.RNN}/{@code nn.LSTM}/{@code nn.GRU} read off its {@code state_dict()} tensors alone:
 * layers = the number of {@code weight_ih_l<k>}, bidirectional = whether {@code weight_ih_l0_reverse} exists,
 * {@code H} = the columns of {@code weight_hh_l0}, {@code I} = the columns of {@code weight_ih_l0}, and the gate count
 * G = rows of {@code weight_hh_l0} / H (1 RNN, 3 GRU, 4 LSTM).
 *
 * @param layers        PyTorch's {@code num_layers}
 * @param bidirectional PyTorch's {@code bidirectional}
 * @param inputSize     I
 * @param hiddenSize    H
 * @param gates         G
 */
public record StateDictShape(int layers, boolean bidirectional, int inputSize, int hiddenSize, int gates) {

    private static final Pattern LAYER = Pattern.compile("weight_ih_l(\\d+)");

    /**
     * Reads the shape from {@code tensors} (names without prefix).
     *
     * @throws WeightFileException naming the file if the tensors are not a recurrent network's
     */
    static StateDictShape of(Path file, Map<String, WeightTensor> tensors) throws WeightFileException {
        TreeSet<Integer> layers = new TreeSet<>();
        for (String name : tensors.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.matches()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
        }
        WeightTensor ih = tensors.get("weight_ih_l0");
        WeightTensor hh = tensors.get("weight_hh_l0");
        if (ih == null || hh == null || ih.rank() != 2 || hh.rank() != 2) {
            throw new WeightFileException(file, "does not hold a recurrent network's state_dict: expected 2-D 'weight_ih_l0' and 'weight_hh_l0', found "
                    + tensors.keySet());
        }
        if (layers.last() != layers.size() - 1) {
            throw new WeightFileException(file, "layers " + layers + " are not numbered 0.." + (layers.size() - 1));
        }
        int hidden = hh.cols();
        if (hh.rows() % hidden != 0 || !(hh.rows() / hidden == 1 || hh.rows() / hidden == 3 || hh.rows() / hidden == 4)) {
            throw new WeightFileException(file, "'weight_hh_l0' is " + hh.shapeString() + "; expected [G·H, H] with G = 1 (RNN), 3 (GRU) or 4 (LSTM)");
        }
        return new StateDictShape(layers.size(), tensors.containsKey("weight_ih_l0_reverse"), ih.cols(), hidden, hh.rows() / hidden);
    }

    /** The built-in cells of this gate count: LSTM (4), GRU (3), RNN (1) with {@code rnnActivation}, which the file cannot tell. */
    public CellFactory cells(RnnCell.Activation rnnActivation) {
        return switch (gates) {
            case 4 -> CellFactory.lstm();
            case 3 -> CellFactory.gru();
            default -> CellFactory.rnn(rnnActivation);
        };
    }
}
