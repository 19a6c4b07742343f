package org.tapegrad.layers.io;

import org.tapegrad.layers.net.RecurrentNetwork;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

/** Saving with {@link TorchWeights} and loading into a fresh network restores it exactly, in PyTorch's file layout. */
class TorchWeightsRoundTripTest {

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} prefix=''{3}''")
    @CsvSource({"rnn_tanh, 2, false, ''", "rnn_relu, 1, true, ''", "lstm, 2, true, lstm.", "gru, 2, false, ''", "gru, 1, true, model.rnn."})
    void saveThenLoadIntoAFreshNetworkIsExact(String kind, int layers, boolean bidirectional, String prefix, @TempDir Path dir) throws Exception {
        RecurrentNetwork saved = TorchModels.network(kind, layers, bidirectional, 3, 5, 1);
        TorchModels.randomize(saved, 2);
        RecurrentNetwork fresh = TorchModels.network(kind, layers, bidirectional, 3, 5, 3);
        Path file = dir.resolve("net.safetensors");
        TorchWeights.save(file, saved, DType.F64, prefix);
        TorchWeights.load(file, fresh, prefix);

        List<Parameter> expected = TorchModels.parameters(saved);
        List<Parameter> actual = TorchModels.parameters(fresh);
        for (int k = 0; k < expected.size(); k++) {
            assertArrayEquals(Layout.toRowMajorFlat(expected.get(k).value()), Layout.toRowMajorFlat(actual.get(k).value()), expected.get(k).name());
        }
        double[][][] x = TorchWeightsToPyTorchTest.input(new Random(4));
        double[][][] before = TorchModels.run(saved, x);
        double[][][] after = TorchModels.run(fresh, x);
        for (int t = 0; t < before.length; t++) {
            for (int b = 0; b < before[t].length; b++) {
                assertArrayEquals(before[t][b], after[t][b], "step " + t + " row " + b);
            }
        }
    }

    @Test
    void fileHasPyTorchsNamesOrderShapesAndTransposedValues(@TempDir Path dir) throws Exception {
        RecurrentNetwork network = TorchModels.network("lstm", 2, true, 3, 5, 1);
        TorchModels.randomize(network, 2);
        Path file = dir.resolve("lstm.safetensors");
        TorchWeights.save(file, network, DType.F64, "lstm.");
        WeightFile contents = SafetensorsReader.create().read(file);

        List<String> names = new ArrayList<>();
        for (String layer : List.of("_l0", "_l0_reverse", "_l1", "_l1_reverse")) {
            for (String tensor : List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh")) {
                names.add("lstm." + tensor + layer);
            }
        }
        assertEquals(names, List.copyOf(contents.tensors().keySet()), "state_dict() order");
        assertEquals("pt", contents.metadata().get("format"));
        Map<String, WeightTensor> t = contents.tensors();
        assertArrayEquals(new int[] {20, 3}, t.get("lstm.weight_ih_l0").shape());
        assertArrayEquals(new int[] {20, 5}, t.get("lstm.weight_hh_l0_reverse").shape());
        assertArrayEquals(new int[] {20, 10}, t.get("lstm.weight_ih_l1").shape(), "layer 1 reads both directions");
        assertArrayEquals(new int[] {20}, t.get("lstm.bias_ih_l1_reverse").shape(), "biases are 1-D");
        assertArrayEquals(new int[] {20}, t.get("lstm.bias_hh_l0").shape());

        LstmCell reverse1 = (LstmCell) network.cell(1, true);
        WeightTensor wIh = t.get("lstm.weight_ih_l1_reverse");
        for (int i = 0; i < 10; i++) {
            for (int g = 0; g < 20; g++) {
                assertEquals(reverse1.wx().value().get(i, g), wIh.get(g, i), "weight_ih = wxᵀ at gate row " + g + ", input " + i);
            }
        }
        WeightTensor bias = t.get("lstm.bias_ih_l1_reverse");
        for (int g = 0; g < 20; g++) {
            assertEquals(reverse1.b().value().get(0, g), bias.get(0, g));
            assertEquals(0.0, t.get("lstm.bias_hh_l1_reverse").get(0, g), "the summed bias is all in bias_ih");
        }
    }

    @Test
    void f32SavesFloatRoundedWeights(@TempDir Path dir) throws Exception {
        RecurrentNetwork saved = TorchModels.network("gru", 1, false, 3, 5, 1);
        TorchModels.randomize(saved, 2);
        RecurrentNetwork fresh = TorchModels.network("gru", 1, false, 3, 5, 3);
        Path file = dir.resolve("gru32.safetensors");
        TorchWeights.save(file, saved, DType.F32);
        assertEquals(DType.F32, SafetensorsReader.create().read(file).tensors().get("bias_hh_l0").dtype());
        TorchWeights.load(file, fresh);
        List<Parameter> expected = TorchModels.parameters(saved);
        List<Parameter> actual = TorchModels.parameters(fresh);
        for (int k = 0; k < expected.size(); k++) {
            double[] e = Layout.toRowMajorFlat(expected.get(k).value());
            double[] a = Layout.toRowMajorFlat(actual.get(k).value());
            for (int j = 0; j < e.length; j++) {
                assertEquals((double) (float) e[j], a[j], expected.get(k).name() + "[" + j + "]");
            }
            assertNotEquals(0.0, e[0] - a[0], "rounding happened (a double in [−0.5, 0.5) is almost never a float)");
        }
    }
}
