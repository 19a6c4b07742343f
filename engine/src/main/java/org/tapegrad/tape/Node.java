package org.tapegrad.tape;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.op.Op;
import org.tapegrad.op.OpContext;
import org.tapegrad.op.Shape;
import org.tapegrad.op.ShapeException;

/**
 * One recorded application of an op, with what its forward saved. It is also the op's {@link OpContext}: during
 * forward with no gradients, during a gradient pass bound to that pass's gradients — so recording allocates one
 * object and replaying none.
 *
 * @param <S> the op's saved state
 */
final class Node<S> implements OpContext {

    final Tape tape;
    final Op<S> op;
    final Var[] inputs;
    Var output;
    String site;
    private S saved;
    private GradientPass pass;

    Node(Tape tape, Op<S> op, Var[] inputs) {
        this.tape = tape;
        this.op = op;
        this.inputs = inputs;
    }

    /**
     * Checks the inputs, takes the output buffer and runs the op's forward: the recording of one op. The output needs
     * a gradient when an input does and {@code recording} is on.
     */
    static <S> Node<S> record(Tape tape, Op<S> op, Var[] inputs, boolean recording, boolean anomalyDetection) {
        Shape[] shapes = new Shape[inputs.length];
        boolean needsGrad = false;
        for (int i = 0; i < inputs.length; i++) {
            Var in = inputs[i];
            if (in == null) {
                throw new NullPointerException(op.name() + ": input " + i + " is null");
            }
            if (in.tape() != tape) {
                throw new IllegalArgumentException(op.name() + ": input " + i + " belongs to another tape");
            }
            in.checkValid(op.name());
            shapes[i] = in.shape();
            needsGrad |= in.requiresGrad();
        }
        Shape out = op.outputShape(shapes);
        if (!out.fitsInOneArray()) {
            // The message is built only here: recording is on the hot path of every training step.
            throw ShapeException.of(op.name(), "the output " + out + " would hold " + out.elements() + " elements; at most "
                    + Shape.MAX_ELEMENTS + " fit in one value", shapes);
        }
        Node<S> node = new Node<>(tape, op, inputs);   // a fresh varargs array, or the caller's own: not copied per op
        node.output = new Var(tape, tape.take(out.rows(), out.cols()), needsGrad && recording, null, out);
        node.site = anomalyDetection ? Anomaly.callSite() : null;
        node.saved = op.forward(node);
        if (anomalyDetection) {
            Anomaly.checkOutput(node);
        }
        return node;
    }

    /** Runs the op's VJP with the gradients of {@code gradients}. */
    void backward(GradientPass gradients) {
        pass = gradients;
        try {
            op.backward(this, saved);
        } finally {
            pass = null;
        }
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
    public Kernels kernels() {
        return tape.kernels();
    }

    @Override
    public R064Store scratch(int rows, int cols) {
        return tape.take(rows, cols);
    }

    @Override
    public R064Store outputGrad() {
        requireBackward("outputGrad()");
        return pass.storeOf(output);
    }

    @Override
    public boolean needsGrad(int i) {
        return inputs[i].requiresGrad();
    }

    @Override
    public R064Store inputGrad(int i) {
        requireBackward("inputGrad(" + i + ")");
        Var in = inputs[i];
        if (!in.requiresGrad()) {
            throw new IllegalStateException(op.name() + ": input " + i + " does not need a gradient; check needsGrad(i) first");
        }
        return pass.accumulatorOf(in);
    }

    private void requireBackward(String what) {
        if (pass == null) {
            throw new IllegalStateException(op.name() + ": " + what + " is only available in backward");
        }
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
