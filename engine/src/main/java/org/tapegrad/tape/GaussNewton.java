package org.tapegrad.tape;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.op.Add;
import org.tapegrad.op.ColumnConcat;
import org.tapegrad.op.ColumnSlice;
import org.tapegrad.op.Divide;
import org.tapegrad.op.LossHessian;
import org.tapegrad.op.Multiply;
import org.tapegrad.op.RowConcat;
import org.tapegrad.op.RowGather;
import org.tapegrad.op.RowSelect;
import org.tapegrad.op.ScaleShift;
import org.tapegrad.op.Subtract;
import org.tapegrad.op.Sum;

/**
 * Gauss-Newton products {@code G·v = Jᵀ·H_L·J·v} of an objective made of built-in losses (softmax cross-entropy,
 * sigmoid binary cross-entropy, squared error: the {@link LossHessian} ops) combined linearly with constant weights
 * (sums, means, masks, scales), at one point of parameter space and one batch.
 *
 * <p>Each product re-records the objective and then: {@code J·v} of every loss's prediction by forward mode (under
 * no-grad: only the values are needed); {@code u = w ⊙ H_ℓ·J·v} with the loss's exact Hessian ({@code w} the loss's
 * weight in the objective, found once by a reverse pass, constant because the combination is linear); {@code Jᵀ·u}
 * by one reverse pass from {@code Σ ⟨z, u⟩} with {@code u} held constant. {@code G} is symmetric positive
 * semi-definite whatever the parameters, which is why Hessian-free training prefers it to {@code H}.
 *
 * <p>Structural damping (Martens &amp; Sutskever 2011): when the objective also names states {@code h_t} (the
 * hidden states of a recurrent net), {@link #product(double[], double)} adds {@code μ·Σ_t J_tᵀ·J_t·v}, the
 * Gauss-Newton matrix of {@code ½ Σ_t ‖h_t(θ + δ) − h_t(θ)‖²}, which penalises steps that change the hidden states much.
 *
 * <p>The objective must record the same ops on every call (one fixed batch); the parameters must not change between
 * products made from one instance.
 */
public final class GaussNewton {

    /** What the objective records: the scalar loss and, for structural damping, the states to keep close. */
    public record Objective(Var loss, List<Var> dampedStates) {
        public Objective {
            Objects.requireNonNull(loss, "loss");
            dampedStates = List.copyOf(dampedStates);
        }

        /** An objective with no damped states. */
        public static Objective of(Var loss) {
            return new Objective(loss, List.of());
        }
    }

    private final Function<Tape, Objective> objective;
    private final List<Parameter> params;
    private final Tape tape;
    private final List<R064Store> weights = new ArrayList<>();
    private final double value;
    private final double[] gradient;

    private GaussNewton(Function<Tape, Objective> objective, List<Parameter> params) {
        this.objective = objective;
        this.params = List.copyOf(params);
        // The products run on a tape of the parameters' element type: float32 parameters give float32 products.
        this.tape = new Tape(this.params.isEmpty() ? org.tapegrad.op.DType.F64 : this.params.get(0).dtype());
        Objective o = record();
        List<Node<?>> losses = lossNodes(o.loss());
        for (Node<?> loss : losses) {
            loss.output.retainGrad();   // read below; a pass releases intermediates' gradients once used
        }
        Gradients g = tape.gradients(o.loss(), null);
        for (Node<?> loss : losses) {
            weights.add(R064Store.FACTORY.copy(g.of(loss.output)));
        }
        value = o.loss().item();
        gradient = ParameterVectors.flatten(g, this.params);
    }

    /** Gauss-Newton products of the scalar {@code loss} at the parameters' current values. */
    public static GaussNewton of(Function<Tape, Var> loss, List<Parameter> params) {
        return new GaussNewton(t -> Objective.of(loss.apply(t)), params);
    }

    /** As {@link #of}, with states for structural damping. */
    public static GaussNewton withStates(Function<Tape, Objective> objective, List<Parameter> params) {
        return new GaussNewton(objective, params);
    }

    /** The objective's value at this point. */
    public double value() {
        return value;
    }

    /** The objective's gradient at this point, a flat vector over the parameters (a copy). */
    public double[] gradient() {
        return gradient.clone();
    }

    /** {@code G·v}. */
    public double[] product(double[] v) {
        return product(v, 0.0);
    }

    /**
     * {@code G·v + μ·Σ_t J_tᵀ·J_t·v} over the objective's damped states (none: {@code G·v}).
     *
     * @param stateWeight μ, ≥ 0 (in Hessian-free training: the structural damping coefficient times λ)
     */
    public double[] product(double[] v, double stateWeight) {
        if (!(stateWeight >= 0)) {
            throw new IllegalArgumentException("gauss-newton: the state weight must be ≥ 0, got " + stateWeight);
        }
        Objective o = record();
        List<Node<?>> losses = lossNodes(o.loss());
        if (losses.size() != weights.size()) {
            throw new IllegalStateException("gauss-newton: the objective recorded " + losses.size() + " losses, " + weights.size()
                    + " the first time; it must record the same ops on every call");
        }
        Tangents tangents;
        List<Var> seeds = new ArrayList<>();
        List<Var> seeded = new ArrayList<>();
        try (NoGrad ignored = tape.noGrad()) {
            tangents = ForwardMode.tangentsOfParameters(tape, ParameterVectors.split("gauss-newton", params, v));
            NodeTangents ctx = new NodeTangents(tape, new Var[0]);
            for (int k = 0; k < losses.size(); k++) {
                Node<?> loss = losses.get(k);
                Var dz = tangents.orNull(loss.inputs[0]);
                if (dz != null) {
                    Var w = tape.constant(weights.get(k));
                    seeds.add((Var) ((LossHessian) loss.op).hessianProduct(ctx.bind(loss), w, dz));
                    seeded.add(loss.inputs[0]);
                }
            }
            if (stateWeight > 0) {
                for (Var h : o.dampedStates()) {
                    Var dh = tangents.orNull(h);
                    if (dh != null) {
                        seeds.add(dh.times(stateWeight));
                        seeded.add(h);
                    }
                }
            }
        }
        Var contracted = null;
        for (int k = 0; k < seeds.size(); k++) {
            Var term = seeded.get(k).times(seeds.get(k)).sum();
            contracted = contracted == null ? term : contracted.plus(term);
        }
        if (contracted == null || !contracted.requiresGrad()) {
            return new double[v.length];
        }
        return ParameterVectors.flatten(tape.gradients(contracted, null), params);
    }

    private Objective record() {
        tape.reset();
        Objective o = objective.apply(tape);
        if (!o.loss().shape().isScalar()) {
            throw new IllegalArgumentException("gauss-newton: the objective is " + o.loss().shape() + ", expected a 1×1 scalar");
        }
        return o;
    }

    /**
     * The loss ops of the recording, after checking that the objective is a linear combination of them with constant
     * weights, so that {@code G} is its Gauss-Newton matrix and nothing's curvature is silently left out.
     */
    private List<Node<?>> lossNodes(Var loss) {
        List<Node<?>> nodes = tape.recordedNodes();
        List<Node<?>> losses = new ArrayList<>();
        BitSet fromLoss = new BitSet();
        for (Node<?> node : nodes) {
            if (node.output.index() > loss.index()) {
                break;
            }
            boolean anyFromLoss = false;
            boolean otherNeedsGrad = false;
            for (int i = 0; i < node.inputs.length; i++) {
                Var in = node.inputs[i];
                if (fromLoss.get(in.index())) {
                    anyFromLoss = true;
                } else if (in.requiresGrad()) {
                    otherNeedsGrad = true;
                }
            }
            if (node.op instanceof LossHessian) {
                if (anyFromLoss) {
                    throw new IllegalArgumentException("gauss-newton: " + node.op.name() + " is applied to a value computed from another loss");
                }
                for (int i = 1; i < node.inputs.length; i++) {
                    if (node.inputs[i].requiresGrad()) {
                        throw new IllegalArgumentException("gauss-newton: the target of " + node.op.name() + " depends on the parameters; "
                                + "Gauss-Newton needs constant targets");
                    }
                }
                losses.add(node);
                fromLoss.set(node.output.index());
            } else if (anyFromLoss) {
                if (otherNeedsGrad || !isLinear(node, fromLoss)) {
                    throw new IllegalArgumentException("gauss-newton: the objective combines its losses through " + node.op.name()
                            + (otherNeedsGrad ? " with a term that is not a built-in loss" : ", which is not linear with constant weights")
                            + "; G covers sums, means, masks and scales of softmax cross-entropy, binary cross-entropy and squared error");
                }
                fromLoss.set(node.output.index());
            }
        }
        if (!fromLoss.get(loss.index())) {
            throw new IllegalArgumentException("gauss-newton: the objective " + (loss.requiresGrad() ? "uses no built-in loss op" : "does not depend on the parameters")
                    + " (crossEntropy, binaryCrossEntropy, squaredError)");
        }
        return losses;
    }

    private static boolean isLinear(Node<?> node, BitSet fromLoss) {
        Object op = node.op;
        if (op instanceof Sum || op instanceof ScaleShift || op instanceof Add || op instanceof Subtract || op instanceof ColumnSlice
                || op instanceof RowGather || op instanceof RowSelect || op instanceof ColumnConcat || op instanceof RowConcat) {
            return true;
        }
        // a loss times a constant (a mask), or divided by one (a count); the other operand is known not to need a gradient
        boolean first = fromLoss.get(node.inputs[0].index());
        boolean second = fromLoss.get(node.inputs[1].index());
        return op instanceof Multiply ? first != second : op instanceof Divide && first && !second;
    }
}
