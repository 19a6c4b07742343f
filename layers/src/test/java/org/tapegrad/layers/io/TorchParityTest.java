package org.tapegrad.layers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import com.google.gson.Gson;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.cell.StackedCell;
import org.tapegrad.layers.seq.Bidirectional;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Forward outputs, parameter gradients and input gradients against PyTorch 1.13 in double precision, from the
 * fixture written by {@code parity/make_reference.py}: weights enter through {@link TorchLayout}, gradients leave
 * through it, so the test also checks the name and layout mapping.
 */
class TorchParityTest {

    static final double TOLERANCE = 1e-10;

    /** One model of the fixture (field names as the script writes them). */
    static final class Model {
        String name;
        String kind;
        int layers;
        boolean bidirectional;
        int input_size;
        int hidden_size;
        int[] lengths;
        double[][][] x;
        double[][][] coef;
        Map<String, double[][]> weights;
        double[][][] output;
        double loss;
        Map<String, double[][]> grads;
        double[][][] grad_x;
    }

    static final class Fixture {
        String torch_version;
        List<Model> models;
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() throws Exception {
        Fixture fixture;
        try (Reader r = new InputStreamReader(TorchParityTest.class.getResourceAsStream("/parity/reference.json"), StandardCharsets.UTF_8)) {
            fixture = new Gson().fromJson(r, Fixture.class);
        }
        return fixture.models.stream().map(m -> DynamicTest.dynamicTest(m.name, () -> check(m)));
    }

    private static void check(Model m) {
        int directions = m.bidirectional ? 2 : 1;
        List<List<Cell<?>>> cells = new ArrayList<>();
        for (int d = 0; d < directions; d++) {
            List<Cell<?>> layers = new ArrayList<>();
            for (int l = 0; l < m.layers; l++) {
                layers.add(cell(m.kind, "d" + d + "l" + l, l == 0 ? m.input_size : directions * m.hidden_size, m.hidden_size));
            }
            cells.add(layers);
        }
        Cell<?> forward = m.layers == 1 || m.bidirectional ? cells.get(0).get(0) : new StackedCell(cells.get(0));
        if (m.bidirectional) {
            TorchLayout.loadBidirectional(m.weights, cells.get(0), cells.get(1));
        } else {
            TorchLayout.load(m.weights, forward);
        }

        Tape tape = new Tape();
        List<Var> xs = new ArrayList<>();
        for (double[][] step : m.x) {
            xs.add(tape.variable(step));
        }
        List<Var> outputs = m.bidirectional ? runBidirectional(tape, cells, xs, m.lengths) : Unroll.fromZero(forward, tape, xs, m.lengths).outputs();
        Var loss = null;
        for (int t = 0; t < outputs.size(); t++) {
            Var term = outputs.get(t).times(tape.constant(m.coef[t])).sum();
            loss = loss == null ? term : loss.plus(term);
        }
        tape.backward(loss);

        double worst = Math.abs(loss.item() - m.loss);
        for (int t = 0; t < outputs.size(); t++) {
            double[][] ours = outputs.get(t).toArray();
            for (int b = 0; b < ours.length; b++) {
                if (m.lengths == null || t < m.lengths[b]) {
                    worst = Math.max(worst, maxDiff(m.name + " output step " + t, new double[][] {m.output[t][b]}, new double[][] {ours[b]}));
                }
            }
            worst = Math.max(worst, maxDiff(m.name + " grad_x step " + t, m.grad_x[t], rowMajor(xs.get(t).grad())));
        }
        Map<String, double[][]> grads = new LinkedHashMap<>();
        for (int l = 0; l < m.layers; l++) {
            for (int d = 0; d < directions; d++) {
                TorchLayout.exportLayerGradients(cells.get(d).get(l), l, d == 1, grads);
            }
        }
        assertEquals(m.grads.keySet(), grads.keySet(), m.name + ": gradient names");
        for (String name : m.grads.keySet()) {
            worst = Math.max(worst, maxDiff(m.name + " grad " + name, m.grads.get(name), grads.get(name)));
        }
        System.out.printf("parity %-36s max |tapegrad − PyTorch| = %.3e%n", m.name, worst);
        tape.reset();
    }

    private static List<Var> runBidirectional(Tape tape, List<List<Cell<?>>> cells, List<Var> xs, int[] lengths) {
        List<Var> in = xs;
        for (int l = 0; l < cells.get(0).size(); l++) {
            in = Bidirectional.run(cells.get(0).get(l), cells.get(1).get(l), tape, in, lengths).outputs();
        }
        return in;
    }

    private static Cell<?> cell(String kind, String name, int in, int hidden) {
        Random random = new Random(0);
        return switch (kind) {
            case "rnn_tanh" -> new RnnCell(name, in, hidden, RnnCell.Activation.TANH, random);
            case "rnn_relu" -> new RnnCell(name, in, hidden, RnnCell.Activation.RELU, random);
            case "lstm" -> new LstmCell(name, in, hidden, random);
            case "gru" -> new GruCell(name, in, hidden, GruCell.Variant.LINEAR_BEFORE_RESET, random);
            default -> throw new IllegalArgumentException("fixture: unknown kind " + kind);
        };
    }

    private static double maxDiff(String what, double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length, what + ": rows");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, what + ": columns");
            for (int j = 0; j < expected[i].length; j++) {
                double diff = Math.abs(expected[i][j] - actual[i][j]);
                assertTrue(diff <= TOLERANCE, what + " (" + i + ", " + j + "): PyTorch " + expected[i][j] + ", tapegrad " + actual[i][j]);
                worst = Math.max(worst, diff);
            }
        }
        return worst;
    }

    private static double[][] rowMajor(org.ojalgo.matrix.store.MatrixStore<Double> s) {
        double[][] a = new double[(int) s.countRows()][(int) s.countColumns()];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                a[i][j] = s.get(i, j);
            }
        }
        return a;
    }
}
