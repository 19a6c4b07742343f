package org.tapegrad.layers.io;

import org.tapegrad.layers.net.RecurrentNetwork;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

/** Files that do not fit the network are rejected naming the file, the tensor and both shapes, changing nothing. */
class TorchWeightsErrorsTest {

    @Test
    void hiddenSizeMismatchNamesTensorAndShapes() {
        Path file = TorchWeightsFromPyTorchTest.fixture("lstm.safetensors");
        LstmCell smaller = new LstmCell("lstm", 3, 4, new Random(1));
        String message = rejected(() -> TorchWeights.load(file, smaller), RecurrentNetwork.of(smaller));
        assertContains(message, file.toString(), "'weight_ih_l0'", "expected shape [16, 3]", "found [20, 3]");
    }

    @Test
    void missingSecondLayerTensorIsNamedAndFirstLayerIsLeftAlone(@TempDir Path dir) throws Exception {
        RecurrentNetwork stack = TorchModels.network("gru", 2, false, 3, 5, 1);
        Path file = dir.resolve("gru2.safetensors");
        TorchWeights.save(file, stack, DType.F64);
        Map<String, WeightTensor> tensors = new LinkedHashMap<>(SafetensorsReader.create().read(file).tensors());
        tensors.remove("weight_hh_l1");
        SafetensorsWriter.create().write(file, tensors, Map.of());

        RecurrentNetwork target = TorchModels.network("gru", 2, false, 3, 5, 2);
        String message = rejected(() -> TorchWeights.load(file, target), target);
        assertContains(message, file.toString(), "'weight_hh_l1'", "expected shape [15, 5]", "found none");
    }

    @Test
    void gruVariantWithoutPyTorchCounterpartIsRejectedBothWays(@TempDir Path dir) throws Exception {
        Path file = TorchWeightsFromPyTorchTest.fixture("gru.safetensors");
        GruCell chung = new GruCell("gru", 3, 5, GruCell.Variant.RESET_BEFORE_MATMUL, new Random(1));
        String message = rejected(() -> TorchWeights.load(file, chung), RecurrentNetwork.of(chung));
        assertContains(message, file.toString(), "layer 0", "RESET_BEFORE_MATMUL", "'weight_hh_l0' found [15, 5]", "'bias_hh_l0' found [15]");

        Path out = dir.resolve("chung.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchWeights.save(out, chung, DType.F64));
        assertContains(e.getMessage(), out.toString(), "layer 0", "RESET_BEFORE_MATMUL");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void twoDimensionalBiasIsNotPyTorchsShape(@TempDir Path dir) throws Exception {
        LstmCell cell = new LstmCell("lstm", 3, 5, new Random(1));
        Path file = dir.resolve("bias2d.safetensors");
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        TorchLayout.export(cell).forEach((name, value) -> tensors.put(name, WeightTensor.of(value)));
        SafetensorsWriter.create().write(file, tensors, Map.of());
        String message = rejected(() -> TorchWeights.load(file, new LstmCell("lstm", 3, 5, new Random(2))), null);
        assertContains(message, file.toString(), "'bias_ih_l0'", "expected shape [20]", "found [1, 20]");
    }

    @Test
    void deeperOrBidirectionalFilesDoNotLoadIntoSmallerNetworks() {
        Path file = TorchWeightsFromPyTorchTest.fixture("lstm_2layer_bidirectional.safetensors");
        RecurrentNetwork oneLayer = TorchModels.network("lstm", 1, true, 3, 5, 1);
        assertContains(rejected(() -> TorchWeights.load(file, oneLayer), oneLayer), file.toString(), "not used", "'weight_ih_l1' [20, 10]",
                "'bias_hh_l1_reverse' [20]");
        RecurrentNetwork forwardOnly = TorchModels.network("lstm", 2, false, 3, 5, 1);
        assertContains(rejected(() -> TorchWeights.load(file, forwardOnly), forwardOnly), file.toString(), "'weight_ih_l1'",
                "expected shape [20, 5]", "found [20, 10]");
    }

    @Test
    void prefixSelectsTheModulesTensors() {
        Path file = TorchWeightsFromPyTorchTest.fixture("tagger_gru_f32.safetensors");
        RecurrentNetwork gru = TorchModels.network("gru", 1, false, 3, 5, 1);
        assertContains(rejected(() -> TorchWeights.load(file, gru), gru), "missing tensor 'weight_ih_l0'", "gru.weight_ih_l0");
        assertContains(rejected(() -> TorchWeights.load(file, gru, "gru"), gru), "missing tensor 'gruweight_ih_l0'");
    }

    /** Asserts that {@code load} throws a WeightFileException and leaves {@code network}'s parameters as they were. */
    private static String rejected(Executable load, RecurrentNetwork network) {
        List<double[]> before = network == null ? List.of() : TorchModels.parameters(network).stream().map(p -> Layout.toRowMajorFlat(p.value())).toList();
        WeightFileException e = assertThrows(WeightFileException.class, load);
        if (network != null) {
            List<Parameter> after = TorchModels.parameters(network);
            for (int k = 0; k < before.size(); k++) {
                assertArrayEquals(before.get(k), Layout.toRowMajorFlat(after.get(k).value()), "parameter " + after.get(k).name() + " changed by a failed load");
            }
        }
        return e.getMessage();
    }

    private static void assertContains(String message, String... fragments) {
        for (String f : fragments) {
            assertTrue(message.contains(f), "message lacks \"" + f + "\": " + message);
        }
    }
}
