package org.tapegrad.layers.cell;

import static org.tapegrad.tape.Ops.affine;
import static org.tapegrad.tape.Ops.productSum;

import java.util.List;
import java.util.Objects;
import java.util.Random;

import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * GRU, docs/theory.md §3, in either of its two formulations ({@link Variant}). Both fuse the input side of all three
 * blocks into one matmul: {@code x·wx} is {@code B×3H} with column blocks r (reset), z (update), candidate.
 *
 * <p><b>The z convention is mirrored between the variants</b>, as in the literature: in
 * {@link Variant#RESET_BEFORE_MATMUL} z weighs the <em>new</em> candidate, {@code h_t = (1−z)⊙h_{t−1} + z⊙h̃}; in
 * {@link Variant#LINEAR_BEFORE_RESET} (PyTorch) z weighs the <em>old</em> state, {@code h_t = (1−z)⊙n + z⊙h_{t−1}}.
 * That is only a renaming (z ↔ 1−z, i.e. negated z weights); where the reset gate is applied is what makes the two
 * different models.
 */
public final class GruCell implements Cell<HiddenState>, TorchParameters {

    /** Which GRU. */
    public enum Variant {
        /**
         * Chung et al. 2014 (ONNX {@code linear_before_reset = 0}): the reset gate scales {@code h} before the
         * recurrent matmul of the candidate.
         * <pre>
         * [r | z] = σ(x·wx[:, 0:2H] + h·wh + b[0:2H])
         * h̃ = tanh(x·wx[:, 2H:3H] + (r⊙h)·whCandidate + b[2H:3H])
         * h_t = (1 − z)⊙h + z⊙h̃
         * </pre>
         * Parameters {@code wx} {@code I×3H}, {@code wh} {@code H×2H} (r, z), {@code whCandidate} {@code H×H},
         * {@code b} {@code 1×3H}. No PyTorch equivalent.
         */
        RESET_BEFORE_MATMUL,
        /**
         * PyTorch / cuDNN: the reset gate scales the recurrent matmul's result, so {@code h·wh} is one fused matmul.
         * <pre>
         * a = x·wx + b,  c = h·wh + bh          (both B×3H, blocks r, z, n)
         * r = σ(a_r + c_r)   z = σ(a_z + c_z)
         * n = tanh(a_n + r⊙c_n)
         * h_t = (1 − z)⊙n + z⊙h
         * </pre>
         * Parameters {@code wx} {@code I×3H}, {@code wh} {@code H×3H}, {@code b} {@code 1×3H} (PyTorch's
         * {@code bias_ih}), {@code bh} {@code 1×3H} ({@code bias_hh}).
         */
        LINEAR_BEFORE_RESET
    }

    private final Variant variant;
    private final int inputSize;
    private final int hiddenSize;
    private final Parameter wx;
    private final Parameter wh;
    private final Parameter whCandidate;
    private final Parameter b;
    private final Parameter bh;

    /**
     * A cell initialized as PyTorch does: every weight and bias uniform in {@code [−1/√H, 1/√H]}, drawn from
     * {@code random} in the order of {@link #parameters()} (row-major within each, as {@link org.tapegrad.layers.init.Initializer} draws).
     */
    public GruCell(String name, int inputSize, int hiddenSize, Variant variant, Random random) {
        CellParameters.checkSizes(name, inputSize, hiddenSize);
        this.variant = Objects.requireNonNull(variant, "variant");
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        double bound = 1.0 / Math.sqrt(hiddenSize);
        int h = hiddenSize;
        this.wx = CellParameters.uniform(name + ".wx", inputSize, 3 * h, bound, random);
        if (variant == Variant.RESET_BEFORE_MATMUL) {
            this.wh = CellParameters.uniform(name + ".wh", h, 2 * h, bound, random);
            this.whCandidate = CellParameters.uniform(name + ".whCandidate", h, h, bound, random);
        } else {
            this.wh = CellParameters.uniform(name + ".wh", h, 3 * h, bound, random);
            this.whCandidate = null;
        }
        this.b = CellParameters.uniform(name + ".b", 1, 3 * h, bound, random);
        this.bh = variant == Variant.LINEAR_BEFORE_RESET ? CellParameters.uniform(name + ".bh", 1, 3 * h, bound, random) : null;
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

    /** Input weights {@code I×3H}, blocks r, z, candidate. */
    public Parameter wx() {
        return wx;
    }

    /** Recurrent weights: {@code H×2H} (r, z) for RESET_BEFORE_MATMUL, {@code H×3H} (r, z, n) for LINEAR_BEFORE_RESET. */
    public Parameter wh() {
        return wh;
    }

    /** The candidate's recurrent weights {@code H×H}; RESET_BEFORE_MATMUL only. */
    public Parameter whCandidate() {
        return only(Variant.RESET_BEFORE_MATMUL, whCandidate, "whCandidate");
    }

    /** Input-side bias {@code 1×3H}, blocks r, z, candidate (the only bias of RESET_BEFORE_MATMUL). */
    public Parameter b() {
        return b;
    }

    /** Recurrent-side bias {@code 1×3H} (PyTorch's {@code bias_hh}); LINEAR_BEFORE_RESET only. */
    public Parameter bh() {
        return only(Variant.LINEAR_BEFORE_RESET, bh, "bh");
    }

    /** {@code [wx, wh, whCandidate, b]} or {@code [wx, wh, b, bh]}. */
    @Override
    public List<Parameter> parameters() {
        return variant == Variant.RESET_BEFORE_MATMUL ? List.of(wx, wh, whCandidate, b) : List.of(wx, wh, b, bh);
    }

    /** PyTorch's {@code weight_ih} = {@code wxᵀ}, {@code weight_hh} = {@code whᵀ}, {@code bias_ih} = {@code b}, {@code bias_hh} = {@code bh}. */
    @Override
    public List<TorchBlock> torchBlocks() {
        if (variant != Variant.LINEAR_BEFORE_RESET) {
            throw new IllegalArgumentException("GruCell variant " + variant + " (reset before the matmul) has no PyTorch equivalent;"
                    + " nn.GRU computes LINEAR_BEFORE_RESET");
        }
        return List.of(new TorchBlock.Transposed("weight_ih", wx), new TorchBlock.Transposed("weight_hh", wh),
                new TorchBlock.Vector("bias_ih", b), new TorchBlock.Vector("bias_hh", bh));
    }

    @Override
    public HiddenState initialState(Tape tape, int batch) {
        return new HiddenState(tape.filled(batch, hiddenSize, 0.0));
    }

    @Override
    public HiddenState step(Tape tape, Var x, HiddenState state) {
        CellParameters.checkStepInput("GruCell", x, inputSize, state.h());
        int n = hiddenSize;
        Var h = state.h();
        Var a = affine(tape.param(b), x, tape.param(wx));
        if (variant == Variant.RESET_BEFORE_MATMUL) {
            Var gates = a.columns(0, 2 * n).plus(h.matmul(wh)).sigmoid();
            Var r = gates.columns(0, n);
            Var z = gates.columns(n, 2 * n);
            Var candidate = a.columns(2 * n, 3 * n).plus(r.times(h).matmul(whCandidate)).tanh();
            return new HiddenState(productSum(z.oneMinus(), h, z, candidate));   // (1−z)⊙h + z⊙h̃
        }
        Var c = affine(tape.param(bh), h, tape.param(wh));
        Var gates = a.columns(0, 2 * n).plus(c.columns(0, 2 * n)).sigmoid();
        Var r = gates.columns(0, n);
        Var z = gates.columns(n, 2 * n);
        Var candidate = a.columns(2 * n, 3 * n).plus(r.times(c.columns(2 * n, 3 * n))).tanh();
        return new HiddenState(productSum(z.oneMinus(), candidate, z, h));   // (1−z)⊙n + z⊙h
    }

    @Override
    public HiddenState withParts(List<Var> parts) {
        return new HiddenState(parts.get(0));
    }

    private Parameter only(Variant wanted, Parameter p, String what) {
        if (variant != wanted) {
            throw new IllegalStateException("GruCell." + what + "(): exists only in variant " + wanted + ", this cell is " + variant);
        }
        return p;
    }
}
