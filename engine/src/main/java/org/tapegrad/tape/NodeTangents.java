package org.tapegrad.tape;

import org.ojalgo.matrix.store.PhysicalStore;
import org.tapegrad.op.LossHessian;
import org.tapegrad.op.Op;
import org.tapegrad.op.Shape;
import org.tapegrad.op.TangentContext;

/**
 * The tangent context of one node at a time, over the walk's tangents. Typed on {@code Object}, not {@code Var}:
 * tangent rules are generic, so the arrays they pass to {@link #apply} are {@code Object[]} at run time.
 */
final class NodeTangents implements TangentContext<Object> {

    private final Tape tape;
    private final Var[] byIndex;
    private Node<?> node;

    NodeTangents(Tape tape, Var[] byIndex) {
        this.tape = tape;
        this.byIndex = byIndex;
    }

    /** Binds the context to {@code n} (for {@link LossHessian#hessianProduct}, which reads only inputs). */
    NodeTangents bind(Node<?> n) {
        node = n;
        return this;
    }

    Var tangentOf(Node<?> n) {
        node = n;
        boolean any = false;
        for (Var in : n.inputs) {
            any |= in.index() < byIndex.length && byIndex[in.index()] != null;
        }
        return any ? (Var) n.op.tangent(this) : null;
    }

    @Override
    public int arity() {
        return node.inputs.length;
    }

    @Override
    public Var input(int i) {
        return node.inputs[i];
    }

    @Override
    public Var output() {
        return node.output;
    }

    @Override
    public Var tangent(int i) {
        int index = node.inputs[i].index();
        return index < byIndex.length ? byIndex[index] : null;
    }

    @Override
    public Shape shape(Object value) {
        return ((Var) value).shape();
    }

    @Override
    public Var apply(Op<?> op, Object... inputs) {
        Var[] vars = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            vars[i] = (Var) inputs[i];
        }
        return tape.apply(op, vars);
    }

    @Override
    public Var zeros(Shape shape) {
        return tape.filled(shape.rows(), shape.cols(), 0.0);
    }

    @Override
    public Var constant(Shape shape, double[] columnMajor) {
        if (columnMajor.length != shape.elements()) {
            throw new IllegalArgumentException(node.op.name() + ": a constant of " + shape + " needs " + shape.elements() + " elements, got " + columnMajor.length);
        }
        PhysicalStore<Double> store = tape.take(shape.rows(), shape.cols());
        for (int i = 0; i < columnMajor.length; i++) {
            store.set(i, columnMajor[i]);   // rounded to float on a float32 tape
        }
        return new Var(tape, store, false, null, shape);
    }
}
