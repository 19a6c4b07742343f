package org.tapegrad.layers.zoo;

import static org.tapegrad.tape.Ops.affine;
import static org.tapegrad.tape.Ops.productSum;

import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.HiddenState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Minimal gated unit (Zhou, Wu, Zhang &amp; Zhou 2016, "Minimal Gated Unit for Recurrent Neural Networks"): one forget
 * gate doing the work of the GRU's two.
 * <pre>
 * f = σ(x·Wf + h·Uf + bf)     h̃ = tanh(x·Wc + (f⊙h)·Uc + bc)     h' = (1 − f)⊙h + f⊙h̃
 * </pre>
 * Parameters {@code wf, wc} {@code I×H}, {@code uf, uc} {@code H×H}, {@code bf, bc} {@code 1×H}.
 */
public final class MinimalGatedUnit implements Cell<HiddenState> {

    private final int inputSize;
    private final int hiddenSize;
    private final Parameter wf, uf, bf, wc, uc, bc;

    public MinimalGatedUnit(String name, int inputSize, int hiddenSize, Random random) {
        ZooParameters.checkSizes(name, inputSize, hiddenSize);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        int h = hiddenSize;
        wf = ZooParameters.uniform(name + ".wf", inputSize, h, h, random);
        uf = ZooParameters.uniform(name + ".uf", h, h, h, random);
        bf = ZooParameters.uniform(name + ".bf", 1, h, h, random);
        wc = ZooParameters.uniform(name + ".wc", inputSize, h, h, random);
        uc = ZooParameters.uniform(name + ".uc", h, h, h, random);
        bc = ZooParameters.uniform(name + ".bc", 1, h, h, random);
    }

    @Override
    public HiddenState step(Tape tape, Var x, HiddenState s) {
        Var f = affine(tape.param(bf), x, tape.param(wf), s.h(), tape.param(uf)).sigmoid();
        Var candidate = affine(tape.param(bc), x, tape.param(wc), f.times(s.h()), tape.param(uc)).tanh();
        return new HiddenState(productSum(f.oneMinus(), s.h(), f, candidate));
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
        return List.of(wf, uf, bf, wc, uc, bc);
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
