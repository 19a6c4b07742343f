package org.tapegrad.layers.io;

import org.tapegrad.layers.net.RecurrentNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.seq.Bidirectional;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** Builds tapegrad networks shaped like PyTorch's nn.RNN/LSTM/GRU and runs them, for the TorchWeights tests. */
final class TorchModels {

    private TorchModels() {
    }

    /** One cell; {@code kind} is rnn_tanh, rnn_relu, lstm or gru (PyTorch's GRU variant). */
    static Cell<?> cell(String kind, String name, int in, int hidden, Random random) {
        return switch (kind) {
            case "rnn_tanh" -> new RnnCell(name, in, hidden, RnnCell.Activation.TANH, random);
            case "rnn_relu" -> new RnnCell(name, in, hidden, RnnCell.Activation.RELU, random);
            case "lstm" -> new LstmCell(name, in, hidden, random);
            case "gru" -> new GruCell(name, in, hidden, GruCell.Variant.LINEAR_BEFORE_RESET, random);
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
    }

    /** A network as nn.&lt;kind&gt;(in, hidden, num_layers=layers, bidirectional=…) has it, with weights from {@code seed}. */
    static RecurrentNetwork network(String kind, int layers, boolean bidirectional, int in, int hidden, long seed) {
        Random random = new Random(seed);
        int directions = bidirectional ? 2 : 1;
        List<List<Cell<?>>> cells = List.of(new ArrayList<>(), new ArrayList<>());
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < directions; d++) {
                cells.get(d).add(cell(kind, "l" + l + "d" + d, l == 0 ? in : directions * hidden, hidden, random));
            }
        }
        if (bidirectional) {
            return RecurrentNetwork.bidirectional(cells.get(0), cells.get(1));
        }
        return layers == 1 ? RecurrentNetwork.of(cells.get(0).get(0)) : RecurrentNetwork.of(org.tapegrad.layers.cell.StackedCell.of(cells.get(0).toArray(Cell<?>[]::new)));
    }

    /** Sets every parameter uniform in [−0.5, 0.5), so that biases (zero or one at init for some cells) are not special. */
    static void randomize(RecurrentNetwork network, long seed) {
        Random random = new Random(seed);
        for (Parameter p : parameters(network)) {
            p.update((value, grad) -> {
                for (int k = 0; k < value.length; k++) {
                    value[k] = random.nextDouble() - 0.5;
                }
            });
        }
    }

    static List<Parameter> parameters(RecurrentNetwork network) {
        List<Parameter> all = new ArrayList<>();
        for (int l = 0; l < network.layers(); l++) {
            all.addAll(network.cell(l, false).parameters());
            if (network.isBidirectional()) {
                all.addAll(network.cell(l, true).parameters());
            }
        }
        return all;
    }

    /** PyTorch's {@code output} for time-major input {@code x[t][b][i]}: {@code [t][b][D·H]}, from zero states. */
    static double[][][] run(RecurrentNetwork network, double[][][] x) {
        Tape tape = new Tape();
        List<Var> steps = new ArrayList<>();
        for (double[][] step : x) {
            steps.add(tape.constant(step));
        }
        for (int l = 0; l < network.layers(); l++) {
            steps = network.isBidirectional()
                    ? Bidirectional.run(network.cell(l, false), network.cell(l, true), tape, steps, null).outputs()
                    : Unroll.fromZero(network.cell(l, false), tape, steps, null).outputs();
        }
        double[][][] out = new double[steps.size()][][];
        for (int t = 0; t < out.length; t++) {
            out[t] = steps.get(t).toArray();
        }
        tape.reset();
        return out;
    }

    /** max |a − b| over all elements; the shapes must agree. */
    static double maxDiff(double[][][] a, double[][][] b) {
        if (a.length != b.length) {
            throw new AssertionError("steps: " + a.length + " vs " + b.length);
        }
        double worst = 0;
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                if (a[t][i].length != b[t][i].length) {
                    throw new AssertionError("step " + t + " row " + i + ": " + a[t][i].length + " vs " + b[t][i].length + " columns");
                }
                for (int j = 0; j < a[t][i].length; j++) {
                    worst = Math.max(worst, Math.abs(a[t][i][j] - b[t][i][j]));
                }
            }
        }
        return worst;
    }
}
