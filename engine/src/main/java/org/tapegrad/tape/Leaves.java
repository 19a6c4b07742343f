package org.tapegrad.tape;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.PhysicalStore;
import org.tapegrad.op.Stores;
import org.tapegrad.op.Shape;
import org.tapegrad.op.ShapeException;

/**
 * The leaves of one recording: parameters (one leaf each, over the parameter's own store) and copies of constants
 * and inputs in pooled buffers. Parameters carry nothing of the tape; the map from parameter to leaf lives here and
 * is cleared on reset (an identity map, which allocates nothing once grown).
 */
final class Leaves {

    private final Tape tape;
    private final IdentityHashMap<Parameter, Var> parameterLeaves = new IdentityHashMap<>();
    private final ArrayList<Var> parameterOrder = new ArrayList<>();

    Leaves(Tape tape) {
        this.tape = tape;
    }

    Var param(Parameter p) {
        Objects.requireNonNull(p, "parameter");
        Var leaf = parameterLeaves.get(p);
        if (leaf == null) {
            if (p.dtype() != tape.dtype()) {
                throw new IllegalArgumentException("param: '" + p.name() + "' is a " + p.dtype().longName() + " parameter and this tape is "
                        + tape.dtype().longName() + "; convert it with parameter.to(DType." + tape.dtype() + ") or record on new Tape(DType." + p.dtype() + ")");
            }
            leaf = new Var(tape, p.store(), true, p);
            parameterLeaves.put(p, leaf);
            parameterOrder.add(leaf);
        }
        return leaf;
    }

    Var leafOrNull(Parameter p) {
        return parameterLeaves.get(p);
    }

    /** The parameters' leaves in the order they were first used. */
    List<Var> parameterLeaves() {
        return parameterOrder;
    }

    Var copyOf(MatrixStore<Double> value, boolean requiresGrad) {
        Shape s = ShapeException.requireFits("constant", new Shape(Math.toIntExact(value.countRows()), Math.toIntExact(value.countColumns())));
        PhysicalStore<Double> copy = tape.take(s.rows(), s.cols());
        if (value instanceof PhysicalStore<Double> p && Stores.isDense(p, s.elements())) {
            Stores.copy(p, copy);   // an array copy (a step's input, every step): ojAlgo's generic fill costs more
        } else {
            copy.fillMatching(value);
        }
        return new Var(tape, copy, requiresGrad, null);
    }

    Var copyOf(double[][] rowMajor, boolean requiresGrad) {
        Shape s = Layout.shapeOf(rowMajor);
        PhysicalStore<Double> copy = tape.take(s.rows(), s.cols());
        Layout.copy(rowMajor, copy);
        return new Var(tape, copy, requiresGrad, null);
    }

    Var filled(int rows, int cols, double c) {
        Shape s = ShapeException.requireFits("filled", new Shape(rows, cols));
        PhysicalStore<Double> store = tape.take(s.rows(), s.cols());
        Stores.fill(store, c);
        return new Var(tape, store, false, null);
    }

    Var detached(Var v) {
        return new Var(tape, v.rawStore(), false, null);
    }

    void clear() {
        parameterLeaves.clear();
        parameterOrder.clear();
    }
}
