package org.tapegrad.tape;

import org.ojalgo.matrix.store.PhysicalStore;
import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.PackedOperand;
import org.tapegrad.op.DType;
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
    public DType dtype() {
        return tape.dtype();
    }

    @Override
    public R064Store input(int i) {
        return as64(inputs[i].store(), "input", i);
    }

    @Override
    public R064Store output() {
        return as64(output.store(), "output", -1);
    }

    @Override
    public Kernels kernels() {
        return tape.kernels();
    }

    @Override
    public R064Store scratch(int rows, int cols) {
        return tape.take64(rows, cols);
    }

    @Override
    public R064Store outputGrad() {
        requireBackward("outputGrad()");
        return as64(pass.storeOf(output), "outputGrad", -1);
    }

    @Override
    public boolean needsGrad(int i) {
        return inputs[i].requiresGrad();
    }

    @Override
    public R064Store inputGrad(int i) {
        return as64(inputGradStore(i), "inputGrad", i);
    }

    @Override
    public R032Store input32(int i) {
        return as32(inputs[i].store(), "input32", i);
    }

    @Override
    public R032Store output32() {
        return as32(output.store(), "output32", -1);
    }

    @Override
    public R032Store scratch32(int rows, int cols) {
        return tape.take32(rows, cols);
    }

    @Override
    public R032Store outputGrad32() {
        requireBackward("outputGrad32()");
        return as32(pass.storeOf(output), "outputGrad32", -1);
    }

    @Override
    public R032Store inputGrad32(int i) {
        return as32(inputGradStore(i), "inputGrad32", i);
    }

    @Override
    public PackedOperand packedInput(int i, boolean transposed, int rows) {
        return tape.packedOperand(inputs[i], transposed, rows);
    }

    @Override
    public boolean gradientDeferrable(int i) {
        return pass != null && pass.deferrable(inputs[i]);
    }

    @Override
    public int keptGradientColumns(int n) {
        return pass == null ? 0 : pass.keptColumns(n);
    }

    @Override
    public void deferGradient(Runnable task) {
        if (pass == null) {
            requireBackward("deferGradient");
        }
        pass.defer(output, task);
    }

    private PhysicalStore<Double> inputGradStore(int i) {
        if (pass == null) {
            requireBackward("inputGrad(" + i + ")");
        }
        Var in = inputs[i];
        if (!in.requiresGrad()) {
            throw new IllegalStateException(op.name() + ": input " + i + " does not need a gradient; check needsGrad(i) first");
        }
        return pass.accumulatorOf(in);
    }

    // The accessor's name and index are passed apart and joined only for the error: these run for every input of
    // every op, forward and backward, and a message built per call showed up in profiles.
    private R064Store as64(PhysicalStore<Double> s, String accessor, int index) {
        if (s instanceof R064Store) {
            return (R064Store) s;
        }
        throw wrongType(accessor, index, "float64");
    }

    private R032Store as32(PhysicalStore<Double> s, String accessor, int index) {
        if (s instanceof R032Store) {
            return (R032Store) s;
        }
        throw wrongType(accessor, index, "float32");
    }

    private IllegalStateException wrongType(String accessor, int index, String asked) {
        String what = accessor + "(" + (index >= 0 ? Integer.toString(index) : "") + ")";
        return new IllegalStateException(op.name() + ": " + what + " asks for a " + asked + " store on a " + tape.dtype().longName()
                + " tape; branch on ctx.dtype() and use the " + (tape.dtype() == DType.F32 ? "...32" : "plain") + " accessors");
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
