package org.tapegrad.bench;

import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;

/**
 * A recurrent benchmark configuration, written {@code B32_T100_I64_H128} in JMH parameters: batch B, steps T, input
 * width I, hidden width H.
 */
record RecurrentShape(int batch, int steps, int input, int hidden) {

    /** The names {@link #cell} knows. */
    static final List<String> CELLS = List.of("lstm", "gru", "rnn");

    private static final Pattern FORMAT = Pattern.compile("B([1-9]\\d{0,5})_T([1-9]\\d{0,6})_I([1-9]\\d{0,5})_H([1-9]\\d{0,5})");

    static RecurrentShape parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("recurrent shape '" + text + "': expected B<batch>_T<steps>_I<input>_H<hidden> (positive integers), e.g. B32_T100_I64_H128");
        }
        return new RecurrentShape(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
    }

    /**
     * The benchmarks' cell of this shape by name, its weights drawn from {@code random}: {@code lstm}, {@code gru}
     * (PyTorch's variant, reset applied after the recurrent product) or {@code rnn} (tanh).
     */
    Cell<?> cell(String name, Random random) {
        return switch (name) {
            case "lstm" -> new LstmCell("lstm", input, hidden, random);
            case "gru" -> new GruCell("gru", input, hidden, GruCell.Variant.LINEAR_BEFORE_RESET, random);
            case "rnn" -> new RnnCell("rnn", input, hidden, RnnCell.Activation.TANH, random);
            default -> throw new IllegalArgumentException("unknown cell '" + name + "': expected lstm, gru or rnn");
        };
    }
}
