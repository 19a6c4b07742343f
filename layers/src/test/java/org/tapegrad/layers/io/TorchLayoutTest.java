package org.tapegrad.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.cell.StackedCell;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

class TorchLayoutTest {

    @Test
    void lstmWeightsAreTransposedWithPyTorchsNamesAndShapes() {
        LstmCell cell = new LstmCell("lstm", 3, 5, new Random(1));
        Map<String, double[][]> torch = TorchLayout.export(cell);
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"), List.copyOf(torch.keySet()));
        assertEquals(20, torch.get("weight_ih_l0").length);
        assertEquals(3, torch.get("weight_ih_l0")[0].length);
        assertEquals(cell.wx().value().get(2, 7), torch.get("weight_ih_l0")[7][2]);
        assertEquals(cell.wh().value().get(4, 19), torch.get("weight_hh_l0")[19][4]);
        assertArrayEquals(Layout.toRowMajorFlat(cell.b().value()), torch.get("bias_ih_l0")[0]);
        assertArrayEquals(new double[20], torch.get("bias_hh_l0")[0]);
    }

    @Test
    void layerShapesArePyTorchsWithOneDimensionalBiases() {
        GruCell cell = new GruCell("gru", 10, 4, GruCell.Variant.LINEAR_BEFORE_RESET, new Random(1));
        Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
        TorchLayout.layerShapes(cell, 1, true, shapes);
        assertEquals(TorchLayout.tensorNames(1, true), List.copyOf(shapes.keySet()));
        assertEquals(List.of("weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"), List.copyOf(shapes.keySet()));
        assertArrayEquals(new int[] {12, 10}, shapes.get("weight_ih_l1_reverse"));
        assertArrayEquals(new int[] {12, 4}, shapes.get("weight_hh_l1_reverse"));
        assertArrayEquals(new int[] {12}, shapes.get("bias_ih_l1_reverse"));
        assertArrayEquals(new int[] {12}, shapes.get("bias_hh_l1_reverse"));
        assertThrows(IllegalArgumentException.class, () -> TorchLayout.layerShapes(
                new GruCell("c", 3, 4, GruCell.Variant.RESET_BEFORE_MATMUL, new Random(1)), 0, false, new java.util.HashMap<>()));
    }

    @Test
    void exportThenLoadRoundTripsStacksAndBidirectionalNetworks() {
        StackedCell stack = StackedCell.of(new GruCell("a", 3, 4, GruCell.Variant.LINEAR_BEFORE_RESET, new Random(1)),
                new GruCell("b", 4, 4, GruCell.Variant.LINEAR_BEFORE_RESET, new Random(2)));
        StackedCell copy = StackedCell.of(new GruCell("a", 3, 4, GruCell.Variant.LINEAR_BEFORE_RESET, new Random(3)),
                new GruCell("b", 4, 4, GruCell.Variant.LINEAR_BEFORE_RESET, new Random(4)));
        TorchLayout.load(TorchLayout.export(stack), copy);
        assertSameValues(stack.parameters(), copy.parameters());

        List<Cell<?>> fwd = List.of(new RnnCell("f", 2, 3, RnnCell.Activation.RELU, new Random(5)));
        List<Cell<?>> bwd = List.of(new RnnCell("b", 2, 3, RnnCell.Activation.RELU, new Random(6)));
        Map<String, double[][]> torch = TorchLayout.exportBidirectional(fwd, bwd);
        assertTrue(torch.containsKey("weight_hh_l0_reverse"));
        List<Cell<?>> fwd2 = List.of(new RnnCell("f", 2, 3, RnnCell.Activation.RELU, new Random(7)));
        List<Cell<?>> bwd2 = List.of(new RnnCell("b", 2, 3, RnnCell.Activation.RELU, new Random(8)));
        TorchLayout.loadBidirectional(torch, fwd2, bwd2);
        assertSameValues(bwd.get(0).parameters(), bwd2.get(0).parameters());
        assertSameValues(fwd.get(0).parameters(), fwd2.get(0).parameters());
    }

    @Test
    void rnnAndLstmBiasesAreSummedOnLoad() {
        LstmCell cell = new LstmCell("lstm", 1, 1, new Random(1));
        Map<String, double[][]> torch = TorchLayout.export(cell);
        torch.put("bias_ih_l0", new double[][] {{1, 2, 3, 4}});
        torch.put("bias_hh_l0", new double[][] {{0.5, 0.25, -3, 10}});
        TorchLayout.load(torch, cell);
        assertArrayEquals(new double[] {1.5, 2.25, 0, 14}, Layout.toRowMajorFlat(cell.b().value()));
    }

    @Test
    void modelsWithoutAPyTorchEquivalentAreRejected() {
        GruCell seeds = new GruCell("g", 2, 2, GruCell.Variant.RESET_BEFORE_MATMUL, new Random(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchLayout.export(seeds));
        assertTrue(e.getMessage().contains("RESET_BEFORE_MATMUL") && e.getMessage().contains("no PyTorch equivalent"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TorchLayout.export(new RnnCell("r", 2, 2, RnnCell.Activation.SIGMOID, new Random(1))));
    }

    @Test
    void missingMisshapenAndUnusedTensorsAreNamed() {
        LstmCell cell = new LstmCell("lstm", 3, 5, new Random(1));
        Map<String, double[][]> torch = TorchLayout.export(cell);
        torch.remove("bias_hh_l0");
        assertMessage(() -> TorchLayout.load(torch, cell), "missing tensor bias_hh_l0");

        Map<String, double[][]> wrong = TorchLayout.export(cell);
        wrong.put("weight_hh_l0", new double[5][20]);
        assertMessage(() -> TorchLayout.load(wrong, cell), "weight_hh_l0 is 5×20, expected 20×5");

        Map<String, double[][]> extra = TorchLayout.export(cell);
        extra.put("weight_ih_l1", new double[20][5]);
        assertMessage(() -> TorchLayout.load(extra, cell), "not used by this model: [weight_ih_l1]");
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    static void assertSameValues(List<Parameter> expected, List<Parameter> actual) {
        assertEquals(expected.size(), actual.size());
        for (int k = 0; k < expected.size(); k++) {
            assertArrayEquals(Layout.toRowMajorFlat(expected.get(k).value()), Layout.toRowMajorFlat(actual.get(k).value()), expected.get(k).name());
        }
    }
}
