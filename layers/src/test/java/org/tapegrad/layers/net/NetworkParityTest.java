package org.tapegrad.layers.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.io.SafetensorsReader;
import org.tapegrad.layers.io.TorchWeights;
import org.tapegrad.layers.io.WeightTensor;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * 2-layer bidirectional LSTM and GRU built from a PyTorch file's shapes alone, run through the network API with
 * PyTorch's lengths and initial states, give PyTorch's output, final states and every gradient under PyTorch's names
 * (fixtures by {@code parity/make_networks.py}: one file holds weights, rank-3 input, and all of PyTorch's results).
 */
class NetworkParityTest {

    private static final double TOLERANCE = 1e-12;

    @Test
    void twoLayerBidirectionalLstmWithLengthsAndInitialStates() throws IOException {
        double worst = check("lstm_2layer_bidirectional_T7.safetensors", SequenceLayout.TIME_MAJOR, true);
        System.out.printf("network parity, 2-layer bidirectional LSTM: max |difference| %.2g%n", worst);
    }

    @Test
    void twoLayerBidirectionalGruBatchFirst() throws IOException {
        double worst = check("gru_2layer_bidirectional_T7_batch_first.safetensors", SequenceLayout.BATCH_MAJOR, false);
        System.out.printf("network parity, 2-layer bidirectional GRU (batch first): max |difference| %.2g%n", worst);
    }

    private static double check(String name, SequenceLayout layout, boolean lstm) throws IOException {
        Path file = fixture(name);
        RecurrentNetwork net = TorchWeights.build(file, "rnn.").withLayout(layout);
        assertEquals(2, net.layers());
        assertTrue(net.isBidirectional());
        if (lstm) {
            net.cell(1, true, LstmCell.class);                           // the kind came from the shapes
        } else {
            net.cell(1, true, GruCell.class);
        }
        Map<String, WeightTensor> f = SafetensorsReader.create().read(file, n -> !n.startsWith("rnn.")).tensors();
        WeightTensor input = f.get("input");
        assertEquals(3, input.rank());
        int batch = input.shape()[layout == SequenceLayout.TIME_MAJOR ? 1 : 0];
        int[] lengths = java.util.Arrays.stream(f.get("lengths").values()).mapToInt(v -> (int) v).toArray();
        Parameter x = new Parameter("input", input.toStore());
        Parameter h0 = new Parameter("h0", f.get("h0").toStore());

        Tape tape = new Tape();
        NetworkOptions options = NetworkOptions.defaults().withLengths(lengths);
        options = lstm ? options.withInitial(tape.param(h0), tape.constant(f.get("c0").toStore())) : options.withInitial(tape.param(h0));
        NetworkOutput out = net.run(tape, tape.param(x), batch, options);
        Var loss = out.output().times(tape.constant(f.get("coef").toStore())).sum()
                .plus(out.finalHidden().times(tape.constant(f.get("coef_h").toStore())).sum());
        tape.backward(loss);

        double worst = 0;
        worst = Math.max(worst, compare("output", f.get("output"), out.output().value()));
        worst = Math.max(worst, compare("h_n", f.get("h_n"), out.finalHidden().value()));
        if (lstm) {
            worst = Math.max(worst, compare("c_n", f.get("c_n"), out.finalPart(1).value()));
        }
        worst = Math.max(worst, Math.abs(loss.item() - f.get("loss").get(0, 0)));
        Map<String, WeightTensor> grads = TorchWeights.gradients(net);
        Map<String, WeightTensor> expected = SafetensorsReader.create().read(file, n -> n.startsWith("grad.rnn.")).tensors();
        assertEquals(expected.size(), grads.size(), "one gradient per PyTorch parameter");
        for (Map.Entry<String, WeightTensor> e : expected.entrySet()) {
            WeightTensor mine = grads.get(e.getKey().substring("grad.rnn.".length()));
            assertArrayEquals(e.getValue().shape(), mine.shape(), e.getKey() + ": PyTorch's shape (1-D biases)");
            worst = Math.max(worst, compare(e.getKey(), e.getValue(), mine.toStore()));
        }
        worst = Math.max(worst, compare("grad.input", f.get("grad.input"), x.grad()));
        worst = Math.max(worst, compare("grad.h0", f.get("grad.h0"), h0.grad()));
        tape.reset();
        return worst;
    }

    static Path fixture(String name) {
        java.net.URL url = NetworkParityTest.class.getResource("/parity/from_torch/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource parity/from_torch/" + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double compare(String what, WeightTensor expected, MatrixStore<Double> actual) {
        double[][] a = Layout.toRowMajor(actual);
        assertEquals(expected.rows(), a.length, what + " rows");
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected.cols(), a[i].length, what + " columns");
            for (int j = 0; j < a[i].length; j++) {
                worst = Math.max(worst, Math.abs(a[i][j] - expected.get(i, j)));
            }
        }
        assertTrue(worst <= TOLERANCE, what + ": max |difference| " + worst + " > " + TOLERANCE);
        return worst;
    }
}
