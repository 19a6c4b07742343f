package org.tapegrad.layers.zoo;

import static org.tapegrad.tape.Ops.affine;
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
 * Mogrifier LSTM (Melis, Kočiský &amp; Blunsom 2020, "Mogrifier LSTM"): before the LSTM step, the input and the state
 * gate each other for r rounds, odd rounds {@code x ← 2σ(h·Q_k)⊙x}, even rounds {@code h ← 2σ(x·R_k)⊙h}; then the
 * LSTM of {@link org.tapegrad.layers.cell.LstmCell} (gates i, f, g, o fused) on the mogrified pair. Parameters
 * {@code wx} {@code I×4H}, {@code wh} {@code H×4H}, {@code b} {@code 1×4H}, {@code q<k>} {@code H×I},
 * {@code r<k>} {@code I×H}.
 */
public final class MogrifierLstm implements Cell<LstmState> {

    private final int inputSize;
    private final int hiddenSize;
    private final Parameter wx, wh, b;
    private final List<Parameter> rounds = new ArrayList<>();

    /** @param rounds r ≥ 0 (the paper's best language models use 5; 0 is a plain LSTM) */
    public MogrifierLstm(String name, int inputSize, int hiddenSize, int rounds, Random random) {
        ZooParameters.checkSizes(name, inputSize, hiddenSize);
        if (rounds < 0) {
            throw new IllegalArgumentException(name + ": mogrifier rounds must be >= 0, got " + rounds);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        int h = hiddenSize;
        wx = ZooParameters.uniform(name + ".wx", inputSize, 4 * h, h, random);
        wh = ZooParameters.uniform(name + ".wh", h, 4 * h, h, random);
        b = ZooParameters.uniform(name + ".b", 1, 4 * h, h, random);
        for (int k = 1; k <= rounds; k++) {
            this.rounds.add(k % 2 == 1 ? ZooParameters.uniform(name + ".q" + k, h, inputSize, h, random)
                    : ZooParameters.uniform(name + ".r" + k, inputSize, h, h, random));
        }
    }

    @Override
    public LstmState step(Tape tape, Var x, LstmState s) {
        Var h = s.h();
        for (int k = 0; k < rounds.size(); k++) {
            if (k % 2 == 0) {
                x = h.matmul(tape.param(rounds.get(k))).sigmoid().times(2.0).times(x);
            } else {
                h = x.matmul(tape.param(rounds.get(k))).sigmoid().times(2.0).times(h);
            }
        }
        int n = hiddenSize;
        Var z = affine(tape.param(b), x, tape.param(wx), h, tape.param(wh));
        Var c = productSum(z.columns(n, 2 * n).sigmoid(), s.c(), z.columns(0, n).sigmoid(), z.columns(2 * n, 3 * n).tanh());
        return new LstmState(z.columns(3 * n, 4 * n).sigmoid().times(c.tanh()), c);
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
        List<Parameter> all = new ArrayList<>(List.of(wx, wh, b));
        all.addAll(rounds);
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
