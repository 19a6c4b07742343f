package org.tapegrad.layers.zoo;

import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.HiddenState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Independently recurrent network (Li, Li, Cook, Zhu &amp; Gao 2018, "Independently Recurrent Neural Network"): each
 * unit sees only its own past, {@code h' = relu(x·W + u⊙h + b)}, so {@code ∂h'/∂h} is diagonal and its product over
 * time is bounded by the {@code |u|} alone. Parameters {@code w} {@code I×H}, {@code u} {@code 1×H} (uniform in
 * [0, 1], as the paper starts), {@code b} {@code 1×H}.
 */
public final class IndRnn implements Cell<HiddenState> {

    private final int inputSize;
    private final int hiddenSize;
    private final Parameter w, u, b;

    public IndRnn(String name, int inputSize, int hiddenSize, Random random) {
        ZooParameters.checkSizes(name, inputSize, hiddenSize);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        w = ZooParameters.uniform(name + ".w", inputSize, hiddenSize, hiddenSize, random);
        double[][] recurrent = new double[1][hiddenSize];
        for (int j = 0; j < hiddenSize; j++) {
            recurrent[0][j] = random.nextDouble();                      // U[0, 1]
        }
        u = Parameter.of(name + ".u", recurrent);
        b = ZooParameters.uniform(name + ".b", 1, hiddenSize, hiddenSize, random);
    }

    @Override
    public HiddenState step(Tape tape, Var x, HiddenState s) {
        return new HiddenState(x.matmul(tape.param(w)).plus(s.h().times(tape.param(u))).plus(tape.param(b)).relu());
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(w, u, b);
    }

    @Override
    public HiddenState initialState(Tape tape, int batch) {
        return new HiddenState(tape.filled(batch, hiddenSize, 0.0));
    }

    @Override
    public HiddenState withParts(List<Var> parts) {
        return new HiddenState(parts.get(0));
    }
}
