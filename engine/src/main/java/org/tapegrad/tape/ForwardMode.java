package org.tapegrad.tape;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.op.Op;

/**
 * Forward mode (Jacobian-vector products): {@code J·v} of a recording, as values.
 *
 * <p>It walks the ops recorded so far in recording order and asks each for its tangent rule ({@link Op#tangent}),
 * which <em>records ops</em>: {@code tanh} records {@code ẋ ⊙ (1 − y²)}, relu multiplies by a recorded 0/1 step.
 * So tangents are ordinary {@link Var}s: with the tape recording, reverse mode over a tangent gives second
 * derivatives (see {@link Curvature#hessianVector}); under {@link Tape#noGrad()} they are computed and not kept for
 * backward, the cheap way to a plain {@code J·v}. Tangent rules written with ops also inherit every op's kernels and
 * element type, with no second loop per op to keep in step.
 *
 * <p>Only values that need a gradient can carry a tangent (parameters, {@link Tape#variable} inputs and what is
 * computed from them): a constant's tangent is zero, and zero tangents are skipped rather than computed.
 */
public final class ForwardMode {

    private ForwardMode() {
    }

    /**
     * The tangents of every value recorded so far on {@code tape}, given the tangents of some leaves.
     *
     * @param seeds leaf (a parameter's leaf or a {@link Tape#variable}) → its tangent, of its shape
     * @throws IllegalArgumentException naming the leaf if a seed is not a leaf needing a gradient, or has another shape
     */
    public static Tangents tangents(Tape tape, Map<Var, ? extends MatrixStore<Double>> seeds) {
        Objects.requireNonNull(tape, "tape");
        int count = tape.valueCount();
        Var[] byIndex = new Var[count];
        for (Map.Entry<Var, ? extends MatrixStore<Double>> seed : seeds.entrySet()) {
            Var leaf = seed.getKey();
            leaf.checkValid("jvp seed");
            if (leaf.tape() != tape) {
                throw new IllegalArgumentException("jvp: a seed belongs to another tape");
            }
            if (!leaf.requiresGrad()) {
                throw new IllegalArgumentException("jvp: the seeded " + leaf.shape() + " value needs no gradient (a constant or detached value); "
                        + "bring inputs on with tape.variable(...) to seed them");
            }
            MatrixStore<Double> t = seed.getValue();
            if (t.countRows() != leaf.rows() || t.countColumns() != leaf.cols()) {
                throw new IllegalArgumentException("jvp: the tangent of a " + leaf.shape() + " value is [" + t.countRows() + "×" + t.countColumns() + "]");
            }
            byIndex[leaf.index()] = tape.constant(t);
        }
        List<Node<?>> nodes = tape.recordedNodes();
        int recorded = nodes.size();   // the walk appends its own ops when recording: they are not walked
        NodeTangents rule = new NodeTangents(tape, byIndex);
        for (int k = 0; k < recorded; k++) {
            Node<?> node = nodes.get(k);
            if (node.output.index() >= count) {
                break;
            }
            Var t = rule.tangentOf(node);
            if (t != null) {
                if (t.rows() != node.output.rows() || t.cols() != node.output.cols()) {
                    throw new IllegalStateException(node.op.name() + ": its tangent rule gave " + t.shape() + " for a " + node.output.shape() + " output");
                }
                byIndex[node.output.index()] = t;
            }
        }
        return new Tangents(tape, byIndex);
    }

    /** Seeds by parameter: the tangents of the recording given {@code v} for the parameters' leaves on this tape. */
    public static Tangents tangentsOfParameters(Tape tape, Map<Parameter, ? extends MatrixStore<Double>> v) {
        Map<Var, MatrixStore<Double>> seeds = new IdentityHashMap<>();
        for (Map.Entry<Parameter, ? extends MatrixStore<Double>> e : v.entrySet()) {
            Var leaf = tape.leaves().leafOrNull(e.getKey());
            if (leaf != null) {   // a parameter the recording never used has no effect on it
                seeds.put(leaf, e.getValue());
            }
        }
        return tangents(tape, seeds);
    }

    /**
     * {@code J·v} of a function of parameters: records {@code f} on a fresh tape, runs forward mode under no-grad and
     * returns a copy of the output's tangent.
     */
    public static MatrixStore<Double> jvp(Function<Tape, Var> f, Map<Parameter, ? extends MatrixStore<Double>> v) {
        Tape tape = new Tape();
        Var out = f.apply(tape);
        try (NoGrad ignored = tape.noGrad()) {
            Var t = tangentsOfParameters(tape, v).of(out);
            return R064Store.FACTORY.copy(t.value());
        }
    }
}
