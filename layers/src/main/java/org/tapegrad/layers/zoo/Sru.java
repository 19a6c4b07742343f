package org.tapegrad.layers.zoo;

import static org.tapegrad.tape.Ops.concatColumns;
import static org.tapegrad.tape.Ops.productSum;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Simple recurrent unit (Lei, Zhang, Wang, Dai &amp; Artzi 2018, "Simple Recurrent Units for Highly Parallelizable
 * Recurrence"): every matmul reads only {@code x}, the recurrence is element-wise.
 * <pre>
 * [x̃ | a_f | a_r] = x·W                 (B×3H, one matmul)
 * f = σ(a_f + v_f⊙c + b_f)    r = σ(a_r + v_r⊙c + b_r)
 * c' = f⊙c + (1 − f)⊙x̃       h' = r⊙c' + (1 − r)⊙skip(x)     skip(x) = x if I = H, else x·W_skip
 * </pre>
 * Parameters {@code w} {@code I×3H}, {@code v} {@code 1×2H} ({@code v_f | v_r}), {@code b} {@code 1×2H},
 * {@code wSkip} {@code I×H} when I ≠ H. State {@code (h, c)} as an {@link LstmState}.
 */
public final class Sru implements Cell<LstmState> {

    private final int inputSize;
    private final int hiddenSize;
    private final Parameter w, v, b, wSkip;

    public Sru(String name, int inputSize, int hiddenSize, Random random) {
        ZooParameters.checkSizes(name, inputSize, hiddenSize);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        int h = hiddenSize;
        w = ZooParameters.uniform(name + ".w", inputSize, 3 * h, h, random);
        v = ZooParameters.uniform(name + ".v", 1, 2 * h, h, random);
        b = ZooParameters.uniform(name + ".b", 1, 2 * h, h, random);
        wSkip = inputSize == hiddenSize ? null : ZooParameters.uniform(name + ".wSkip", inputSize, h, h, random);
    }

    @Override
    public LstmState step(Tape tape, Var x, LstmState s) {
        int h = hiddenSize;
        Var a = x.matmul(tape.param(w));
        Var peep = concatColumns(s.c(), s.c()).times(tape.param(v)).plus(tape.param(b));   // [v_f⊙c + b_f | v_r⊙c + b_r]
        Var gates = a.columns(h, 3 * h).plus(peep).sigmoid();
        Var f = gates.columns(0, h);
        Var r = gates.columns(h, 2 * h);
        Var c = productSum(f, s.c(), f.oneMinus(), a.columns(0, h));
        Var skip = wSkip == null ? x : x.matmul(tape.param(wSkip));
        return new LstmState(productSum(r, c, r.oneMinus(), skip), c);
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
        List<Parameter> all = new ArrayList<>(List.of(w, v, b));
        if (wSkip != null) {
            all.add(wSkip);
        }
        return all;
    }

    @Override
    public LstmState initialState(Tape tape, int batch) {
        return new LstmState(tape.filled(batch, hiddenSize, 0.0), tape.filled(batch, hiddenSize, 0.0));
    }

    @Override
    public LstmState withParts(List<Var> parts) {
        return new LstmState(parts.get(0), parts.get(1));
    }
}
