package org.tapegrad.layers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.HiddenState;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.cell.TorchBlock;
import org.tapegrad.layers.cell.TorchParameters;
import org.tapegrad.layers.net.CellFactory;
import org.tapegrad.layers.net.NetworkOptions;
import org.tapegrad.layers.net.NetworkOutput;
import org.tapegrad.layers.net.RecurrentNetwork;
import org.tapegrad.layers.zoo.MinimalGatedUnit;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** A user's own cell declares its weight blocks and is saved, built from a file, loaded and has its gradients exported like a built-in one. */
class CustomCellStateDictTest {

    /** The README's example: a minimal gated unit whose weights PyTorch would hold as weight_f [H, I+H], bias_f [H], …. */
    static final class TorchMgu implements Cell<HiddenState>, TorchParameters {
        private final MinimalGatedUnit mgu;
        private final List<Parameter> p;

        TorchMgu(String name, int in, int hidden, Random random) {
            mgu = new MinimalGatedUnit(name, in, hidden, random);
            p = mgu.parameters();                                  // wf, uf, bf, wc, uc, bc
        }

        @Override
        public List<TorchBlock> torchBlocks() {
            return List.of(new TorchBlock.Transposed("weight_ih", p.get(0)), new TorchBlock.Transposed("weight_hh", p.get(1)),
                    new TorchBlock.Vector("bias", p.get(2)), new TorchBlock.Transposed("weight_ic", p.get(3)),
                    new TorchBlock.Transposed("weight_hc", p.get(4)), new TorchBlock.Vector("bias_c", p.get(5)));
        }

        public HiddenState step(Tape tape, Var x, HiddenState s) {
            return mgu.step(tape, x, s);
        }

        public HiddenState initialState(Tape tape, int batch) {
            return mgu.initialState(tape, batch);
        }

        public HiddenState withParts(List<Var> parts) {
            return mgu.withParts(parts);
        }

        public int inputSize() {
            return mgu.inputSize();
        }

        public int hiddenSize() {
            return mgu.hiddenSize();
        }

        public List<Parameter> parameters() {
            return p;
        }
    }

    @TempDir
    Path dir;

    @Test
    void customCellRoundTripsThroughAStateDictAndExportsGradients() throws IOException {
        CellFactory cells = TorchMgu::new;
        RecurrentNetwork net = RecurrentNetwork.builder(cells, 3, 4).layers(2).bidirectional(true).build(new Random(5));
        Path file = dir.resolve("mgu.safetensors");
        TorchWeights.save(file, net, DType.F64, "mgu.");
        Map<String, WeightTensor> saved = SafetensorsReader.create().read(file).tensors();
        assertArrayEquals(new int[] {4, 3}, saved.get("mgu.weight_ih_l0").shape());
        assertArrayEquals(new int[] {4, 8}, saved.get("mgu.weight_ic_l1_reverse").shape(), "upper layers read 2H");
        assertArrayEquals(new int[] {4}, saved.get("mgu.bias_c_l1").shape(), "1-D vectors");
        assertEquals(24, saved.size());

        RecurrentNetwork rebuilt = TorchWeights.build(file, "mgu.", cells);
        assertEquals(2, rebuilt.layers());
        for (int k = 0; k < net.parameters().size(); k++) {
            assertArrayEquals(Layout.toRowMajor(net.parameters().get(k).value()), Layout.toRowMajor(rebuilt.parameters().get(k).value()));
        }
        Tape tape = new Tape();
        NetworkOutput out = rebuilt.run(tape, List.of(tape.filled(2, 3, 0.5), tape.filled(2, 3, -0.5)), NetworkOptions.defaults());
        tape.backward(out.output().sum());
        Map<String, WeightTensor> grads = TorchWeights.gradients(rebuilt);
        assertEquals(24, grads.size());
        Parameter bcReverse = rebuilt.cell(1, true).parameters().get(5);
        assertArrayEquals(Layout.toRowMajorFlat(bcReverse.grad()), grads.get("bias_c_l1_reverse").values());
    }

    @Test
    void aFileHoldingOtherTensorsLoadsByFilterAndRnnActivationIsTheCallersChoice() throws IOException {
        RecurrentNetwork net = RecurrentNetwork.builder(CellFactory.rnn(RnnCell.Activation.RELU), 2, 3).build(new Random(1));
        Map<String, WeightTensor> tensors = new LinkedHashMap<>(TorchWeights.stateDict(net));
        tensors.put("input", WeightTensor.of(new int[] {2, 1, 2}, 1, 2, 3, 4));
        Path file = dir.resolve("mixed.safetensors");
        SafetensorsWriter.create().write(file, tensors, Map.of());
        WeightFileException strict = assertThrows(WeightFileException.class, () -> TorchWeights.load(file, net));
        assertTrue(strict.getMessage().contains("'input' [2, 1, 2]"), strict.getMessage());
        RecurrentNetwork target = RecurrentNetwork.builder(CellFactory.rnn(RnnCell.Activation.RELU), 2, 3).build(new Random(2));
        TorchWeights.load(file, target, name -> name.startsWith("weight_") || name.startsWith("bias_"));
        assertArrayEquals(Layout.toRowMajor(net.parameters().get(0).value()), Layout.toRowMajor(target.parameters().get(0).value()));
        Path alone = dir.resolve("rnn.safetensors");
        TorchWeights.save(alone, net, DType.F64, "");
        RecurrentNetwork relu = TorchWeights.build(alone, "", RnnCell.Activation.RELU);
        assertEquals(RnnCell.Activation.RELU, relu.cell(0, false, RnnCell.class).activation());
    }

    @Test
    void aFileWithoutARecurrentNetworkIsOneLine() throws IOException {
        Path file = dir.resolve("head.safetensors");
        SafetensorsWriter.create().write(file, Map.of("head.weight", WeightTensor.vector(1, 2)), Map.of());
        WeightFileException e = assertThrows(WeightFileException.class, () -> TorchWeights.build(file, "lstm."));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("expected 2-D 'weight_ih_l0'"), e.getMessage());
    }
}
