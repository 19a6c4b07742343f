package org.tapegrad.layers.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.layers.io.SafetensorsReader;
import org.tapegrad.layers.io.TorchWeights;
import org.tapegrad.layers.io.WeightTensor;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * PyTorch float32 parity: nn.RNN (tanh), nn.LSTM and nn.GRU computed by PyTorch in float32 — one layer, and two
 * bidirectional layers — with per-sequence lengths and initial states, against the same networks converted to
 * float32 and run on a float32 tape: the output, the final states, the loss and every gradient (each weight, the
 * input, h₀) agree to 1e-5 relative to the tensor's largest magnitude (fixtures by
 * {@code parity/make_networks_f32.py}; the weights and inputs are PyTorch's floats, read as floats).
 */
class Float32NetworkParityTest {

    private static final double RELATIVE_TOLERANCE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"rnn_tanh_T7", "lstm_T7", "gru_T7", "rnn_tanh_2layer_bidirectional_T7", "lstm_2layer_bidirectional_T7",
        "gru_2layer_bidirectional_T7"})
    void float32TapeMatchesPyTorchFloat32(String name) throws IOException {
        double worst = check("f32_" + name + ".safetensors");
        System.out.printf("float32 parity with PyTorch, %s: worst |difference| / max |value| %.2g%n", name, worst);
    }

    private static double check(String name) throws IOException {
        Path file = NetworkParityTest.fixture(name);
        RecurrentNetwork net = TorchWeights.build(file, "rnn.");
        net.convertTo(DType.F32);
        Map<String, WeightTensor> f = SafetensorsReader.create().read(file, n -> !n.startsWith("rnn.")).tensors();
        assertEquals(DType.F32, f.get("input").dtype(), "the fixture is float32");
        boolean lstm = f.containsKey("c0");
        int batch = f.get("input").shape()[1];
        int[] lengths = java.util.Arrays.stream(f.get("lengths").values()).mapToInt(v -> (int) v).toArray();
        Parameter x = new Parameter("input", f.get("input").toStore()).to(DType.F32);
        Parameter h0 = new Parameter("h0", f.get("h0").toStore()).to(DType.F32);

        Tape tape = new Tape(DType.F32);
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
        worst = Math.max(worst, compare("loss", f.get("loss").reshape(1, 1), loss.value()));
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

    /** The largest |difference| of the tensor divided by its largest |value|. */
    private static double compare(String what, WeightTensor expected, MatrixStore<Double> actual) {
        double[][] a = Layout.toRowMajor(actual);
        assertEquals(expected.rows(), a.length, what + " rows");
        double difference = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected.cols(), a[i].length, what + " columns");
            for (int j = 0; j < a[i].length; j++) {
                difference = Math.max(difference, Math.abs(a[i][j] - expected.get(i, j)));
                scale = Math.max(scale, Math.abs(expected.get(i, j)));
            }
        }
        double relative = scale == 0 ? difference : difference / scale;
        assertTrue(relative <= RELATIVE_TOLERANCE, what + ": max |difference| " + difference + " is " + relative + " of max |value| " + scale
                + " > " + RELATIVE_TOLERANCE);
        return relative;
    }
}
