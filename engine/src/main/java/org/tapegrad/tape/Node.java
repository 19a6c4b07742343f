package org.tapegrad.tape;

import org.ojalgo.matrix.store.R064Store;

/** One recorded application of an op; it is also the op's {@link OpContext}, so recording allocates one object. */
final class Node implements OpContext {

    final Tape tape;
    final Op op;
    final Var[] inputs;
    Var output;
    String site;
    private Object saved;

    Node(Tape tape, Op op, Var[] inputs) {
        this.tape = tape;
        this.op = op;
        this.inputs = inputs;
    }

    @Override
    public int arity() {
        return inputs.length;
    }

    @Override
    public R064Store input(int i) {
        return inputs[i].store();
    }

    @Override
    public R064Store output() {
        return output.store();
    }

    @Override
    public void save(Object saved) {
        this.saved = saved;
    }

    @Override
    public Object saved() {
        return saved;
    }

    @Override
    public R064Store scratch(int rows, int cols) {
        return tape.take(rows, cols);
    }

    @Override
    public R064Store outputGrad() {
        return output.gradStore();
    }

    @Override
    public boolean needsGrad(int i) {
        return inputs[i].requiresGrad();
    }

    @Override
    public R064Store inputGrad(int i) {
        Var in = inputs[i];
        if (!in.requiresGrad()) {
            throw new IllegalStateException(op.name() + ": input " + i + " does not need a gradient; check needsGrad(i) first");
        }
        return in.gradStoreForAccumulation();
    }

    String describeInputs() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < inputs.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(inputs[i].shape());
        }
        return s.toString();
    }
}
