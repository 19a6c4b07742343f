package org.tapegrad.layers.zoo;

import static org.tapegrad.tape.Ops.affine;
import static org.tapegrad.tape.Ops.concatColumns;
import static org.tapegrad.tape.Ops.productSum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import org.tapegrad.layers.cell.Cell;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * LSTM with peephole connections (Gers &amp; Schmidhuber 2000) and the eight variants of Greff et al. 2017, "LSTM: A
 * Search Space Odyssey", as options ({@link Variant}). The vanilla form:
 *
 * <pre>
 * i = σ(x·Wi + h·Ri + pi⊙c + bi)   f = σ(x·Wf + h·Rf + pf⊙c + bf)   g = tanh(x·Wg + h·Rg + bg)
 * c' = f⊙c + i⊙g                  o = σ(x·Wo + h·Ro + po⊙c' + bo)   h' = o⊙tanh(c')
 * </pre>
 *
 * <p>Parameters: {@code wx} {@code I×kH}, {@code wh} {@code H×kH}, {@code b} {@code 1×kH} for the k gate blocks the
 * variant computes (in order i, f, g, o; NIG drops i, NFG and CIFG drop f, NOG drops o); peepholes {@code pi, pf, po}
 * ({@code 1×H}) of the computed gates unless NP; FGR adds {@code wg} {@code 3H×3H}, the previous step's
 * {@code [i | f | o]} into this step's gates.
 */
public final class PeepholeLstm implements Cell<PeepholeState> {

    /** Greff et al.'s variants. */
    public enum Variant {
        /** Vanilla: peepholes, all gates. */ V,
        /** No input gate: i = 1. */ NIG,
        /** No forget gate: f = 1. */ NFG,
        /** No output gate: o = 1. */ NOG,
        /** No input activation function: g is linear. */ NIAF,
        /** No output activation function: h = o⊙c. */ NOAF,
        /** No peepholes. */ NP,
        /** Coupled input and forget gate: f = 1 − i. */ CIFG,
        /** Full gate recurrence: the previous gates feed every gate. */ FGR
    }

    private static final int I = 0, F = 1, G = 2, O = 3;

    private final Variant variant;
    private final int inputSize;
    private final int hiddenSize;
    private final int[] block = new int[4];          // column block of gate I, F, G, O in wx/wh/b, or −1
    private final Parameter wx, wh, b, wg;
    private final Parameter[] peephole = new Parameter[4];

    /** Weights uniform in {@code [−1/√H, 1/√H]} drawn from {@code random} in the order of {@link #parameters()}. */
    public PeepholeLstm(String name, int inputSize, int hiddenSize, Variant variant, Random random) {
        ZooParameters.checkSizes(name, inputSize, hiddenSize);
        this.variant = Objects.requireNonNull(variant, "variant");
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        int k = 0;
        for (int gate = 0; gate < 4; gate++) {
            boolean absent = (gate == I && variant == Variant.NIG) || (gate == F && (variant == Variant.NFG || variant == Variant.CIFG))
                    || (gate == O && variant == Variant.NOG);
            block[gate] = absent ? -1 : k++;
        }
        int h = hiddenSize;
        wx = ZooParameters.uniform(name + ".wx", inputSize, k * h, h, random);
        wh = ZooParameters.uniform(name + ".wh", h, k * h, h, random);
        b = ZooParameters.uniform(name + ".b", 1, k * h, h, random);
        wg = variant == Variant.FGR ? ZooParameters.uniform(name + ".wg", 3 * h, 3 * h, h, random) : null;
        String[] names = {"pi", "pf", null, "po"};
        for (int gate : new int[] {I, F, O}) {
            if (variant != Variant.NP && block[gate] >= 0) {
                peephole[gate] = ZooParameters.uniform(name + "." + names[gate], 1, h, h, random);
            }
        }
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    /** {@code [wx, wh, b, wg?, pi?, pf?, po?]}, absent ones left out. */
    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(Arrays.asList(wx, wh, b, wg, peephole[I], peephole[F], peephole[O]));
        all.removeIf(Objects::isNull);
        return all;
    }

    @Override
    public PeepholeState initialState(Tape tape, int batch) {
        Var gates = wg == null ? null : tape.filled(batch, 3 * hiddenSize, 0.0);
        return new PeepholeState(tape.filled(batch, hiddenSize, 0.0), tape.filled(batch, hiddenSize, 0.0), gates);
    }

    @Override
    public PeepholeState step(Tape tape, Var x, PeepholeState s) {
        Var z = affine(tape.param(b), x, tape.param(wx), s.h(), tape.param(wh));
        Var r = wg == null ? null : s.gates().matmul(tape.param(wg));   // FGR: [i | f | o] of t−1 into the gates of t
        Var ones = tape.filled(x.rows(), hiddenSize, 1.0);
        Var i = block[I] < 0 ? ones : gate(tape, z, I, r, s.c());
        Var f = variant == Variant.CIFG ? i.oneMinus() : block[F] < 0 ? ones : gate(tape, z, F, r, s.c());
        Var g = variant == Variant.NIAF ? columns(z, G) : columns(z, G).tanh();
        Var c = productSum(f, s.c(), i, g);
        Var o = block[O] < 0 ? ones : gate(tape, z, O, r, c);              // the output gate peeks at the new c
        Var activated = variant == Variant.NOAF ? c : c.tanh();
        Var h = block[O] < 0 ? activated : o.times(activated);
        return new PeepholeState(h, c, r == null ? null : concatColumns(i, f, o));
    }

    private Var gate(Tape tape, Var z, int gate, Var r, Var c) {
        Var pre = columns(z, gate);
        if (r != null) {
            int k = gate == O ? 2 : gate;
            pre = pre.plus(r.columns(k * hiddenSize, (k + 1) * hiddenSize));
        }
        if (peephole[gate] != null) {
            pre = pre.plus(c.times(tape.param(peephole[gate])));
        }
        return pre.sigmoid();
    }

    private Var columns(Var z, int gate) {
        return z.columns(block[gate] * hiddenSize, (block[gate] + 1) * hiddenSize);
    }

    @Override
    public PeepholeState withParts(List<Var> parts) {
        return new PeepholeState(parts.get(0), parts.get(1), parts.size() > 2 ? parts.get(2) : null);
    }
}
