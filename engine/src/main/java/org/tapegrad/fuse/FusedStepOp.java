package org.tapegrad.fuse;

import java.util.Arrays;
import java.util.List;

import org.tapegrad.op.DType;
import org.tapegrad.op.Op;
import org.tapegrad.op.OpContext;
import org.tapegrad.op.Shape;
import org.tapegrad.op.ShapeException;
import org.tapegrad.op.TangentContext;

/**
 * One whole step of a cell as a single tape op: runs the rewritten program's instructions forward and their VJPs in
 * reverse; {@code y = s₁}, the first new state part, and each other part {@code s_k} is handed out by a
 * {@link FusedStepPart} recorded right after this op, from a whole buffer of the step's own (no slicing of a packed
 * output); {@code ẏ = ṡ₁} of the traced step, re-recorded op by op ({@link StepTangent}), the other parts' tangents,
 * made by the same replay, kept for their {@code FusedStepPart}s. The saved state is a {@link Frame}: the step's
 * buffer table (the inputs' arrays, the one arena every element-wise value of the step lives in, the few whole buffers
 * the products need, the other parts) and which parts' gradients their {@code FusedStepPart} has delivered in the
 * current gradient pass.
 */
final class FusedStepOp implements Op<FusedStepOp.Frame> {

    /**
     * One recorded step: its buffer table ({@code double[][]} or {@code float[][]}, the tape's element type), and per
     * other state part the gradient pass that delivered its gradient, told by the identity of this step's output
     * gradient array in that pass (null: none delivered since the last VJP of this step).
     */
    static final class Frame {
        final Object values;
        final Object[] delivered;

        Frame(Object values, int parts) {
            this.values = values;
            this.delivered = new Object[parts];
        }
    }

    /** Every state part's tangent (null: zero) of the step whose output is {@code output}: one replay's worth. */
    private record PartTangents(Object output, Object[] parts) {
    }

    private final String name;
    private final Shape[] inputShapes;
    private final Shape output;
    private final Buffer[] buffers;      // indices 0..inputs-1 inputs, then output, then arena and own buffers
    private final Instruction[] code;
    private final int[] partBuffers;     // buffer index of state part k + 1
    /** No instruction reads the output: its gradient is only read in backward, so it is used as is, not copied. */
    private final boolean outputGradReadOnly;
    private final boolean[] weightInputs;
    /** The frame of the last forward on this thread, until the step's parts have taken what they hand out. */
    private final ThreadLocal<Frame> lastForward = new ThreadLocal<>();
    /** The traced step, replayed by the tangent rule. */
    private final StepTangent tangentRule;
    /** The last tangent replay on this thread, until the step's parts have taken their tangents. */
    private final ThreadLocal<PartTangents> lastTangents = new ThreadLocal<>();
    /**
     * The gradients of the step's own buffers, reused from step to step of a backward pass (VJPs never nest, so one
     * set per thread suffices): they stay in cache, where fresh pooled buffers per step would stream through memory.
     */
    private final ThreadLocal<double[][]> gradientWorkspace;
    private final ThreadLocal<float[][]> gradientWorkspace32;

    FusedStepOp(String name, Shape[] inputShapes, Shape output, List<Buffer> buffers, List<Buffer> parts, List<Instruction> code,
            Schedule schedule, StepTangent tangentRule) {
        this.name = name;
        this.tangentRule = tangentRule;
        this.partBuffers = parts.stream().mapToInt(b -> b.index).toArray();
        this.inputShapes = inputShapes;
        this.output = output;
        this.buffers = buffers.toArray(new Buffer[0]);
        this.code = ColumnRun.group(code, schedule).toArray(new Instruction[0]);
        boolean read = false;
        for (Instruction i : code) {
            for (Ref r : i.operands()) {
                read |= r.buffer().index == inputShapes.length;
            }
        }
        this.outputGradReadOnly = !read;
        boolean[] weightUse = new boolean[this.buffers.length];
        boolean[] otherUse = new boolean[this.buffers.length];
        for (Instruction i : code) {
            if (i instanceof ProductGroup group) {
                group.markUses(weightUse, otherUse);
            } else {
                for (Ref r : i.operands()) {
                    otherUse[r.buffer().index] = true;
                }
            }
        }
        this.weightInputs = new boolean[inputShapes.length];
        for (int b = 0; b < inputShapes.length; b++) {
            weightInputs[b] = weightUse[b] && !otherUse[b];
        }
        this.gradientWorkspace = ThreadLocal.withInitial(() -> {
            double[][] w = new double[this.buffers.length][];
            for (int b = inputShapes.length; b < w.length; b++) {
                w[b] = new double[this.buffers[b].size()];
            }
            return w;
        });
        this.gradientWorkspace32 = ThreadLocal.withInitial(() -> {
            float[][] w = new float[this.buffers.length][];
            for (int b = inputShapes.length; b < w.length; b++) {
                w[b] = new float[this.buffers[b].size()];
            }
            return w;
        });
    }

    /** The inputs used only as weights or biases of the step's products: their gradients may be queued. */
    @Override
    public boolean defersGradient(int i) {
        return i < weightInputs.length && weightInputs[i];
    }

    /** Which inputs' gradients this pass queues (null: none): weight inputs the pass lets defer. */
    private boolean[] queuedInputs(OpContext ctx) {
        boolean[] queued = null;
        for (int i = 0; i < weightInputs.length; i++) {
            if (weightInputs[i] && ctx.needsGrad(i) && ctx.gradientDeferrable(i)) {
                if (queued == null) {
                    queued = new boolean[weightInputs.length];
                }
                queued[i] = true;
            }
        }
        return queued;
    }

    /**
     * The step's inputs as the tape packs them for products ({@link OpContext#packedInput}): buffers past the inputs
     * are the step's own, never packed.
     */
    private ProductGroup.PackedInputs packedInputs(OpContext ctx) {
        int inputs = inputShapes.length;
        return (buffer, transposed, rows) -> buffer < inputs ? ctx.packedInput(buffer, transposed, rows) : null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape outputShape(Shape... in) {
        if (!Arrays.equals(in, inputShapes)) {
            throw ShapeException.of(name, "the step was fused for inputs " + Arrays.toString(inputShapes), in);
        }
        return output;
    }

    @Override
    public Frame forward(OpContext ctx) {
        Frame frame = new Frame(ctx.dtype() == DType.F32 ? forward32(ctx) : forward64(ctx), partBuffers.length);
        if (partBuffers.length > 0) {
            lastForward.set(frame);
        }
        return frame;
    }

    private double[][] forward64(OpContext ctx) {
        int inputs = inputShapes.length;
        double[][] values = new double[buffers.length][];
        for (int i = 0; i < inputs; i++) {
            values[i] = ctx.input(i).data;
        }
        values[inputs] = ctx.output().data;
        for (int b = inputs + 1; b < buffers.length; b++) {
            values[b] = ctx.scratch(buffers[b].rows, buffers[b].cols).data;
        }
        ProductGroup.PackedInputs packed = packedInputs(ctx);
        for (Instruction instruction : code) {
            if (instruction instanceof ProductGroup group) {
                group.forward(values, ctx.kernels(), packed);
            } else {
                instruction.forward(values, ctx.kernels());
            }
        }
        return values;
    }

    private float[][] forward32(OpContext ctx) {
        int inputs = inputShapes.length;
        float[][] values = new float[buffers.length][];
        for (int i = 0; i < inputs; i++) {
            values[i] = ctx.input32(i).data;
        }
        values[inputs] = ctx.output32().data;
        for (int b = inputs + 1; b < buffers.length; b++) {
            values[b] = ctx.scratch32(buffers[b].rows, buffers[b].cols).data;
        }
        ProductGroup.PackedInputs packed = packedInputs(ctx);
        for (Instruction instruction : code) {
            if (instruction instanceof ProductGroup group) {
                group.forward32(values, ctx.kernels(), packed);
            } else {
                instruction.forward32(values, ctx.kernels());
            }
        }
        return values;
    }

    @Override
    public void backward(OpContext ctx, Frame frame) {
        if (frame.values instanceof float[][] values32) {
            backward32(ctx, frame, values32);
            return;
        }
        double[][] values = (double[][]) frame.values;
        int inputs = inputShapes.length;
        double[][] grads = new double[buffers.length][];
        for (int i = 0; i < inputs; i++) {
            grads[i] = ctx.needsGrad(i) ? ctx.inputGrad(i).data : null;
        }
        double[][] workspace = gradientWorkspace.get();
        // When the step's own instructions read the output (h_t fed to a later op of the step), its gradient also
        // collects what they send back, so it is a copy: a VJP must not write into its output gradient.
        double[] outGrad = ctx.outputGrad().data;
        if (outputGradReadOnly) {
            grads[inputs] = outGrad;
        } else {
            System.arraycopy(outGrad, 0, workspace[inputs], 0, outGrad.length);
            grads[inputs] = workspace[inputs];
        }
        for (int b = inputs + 1; b < buffers.length; b++) {
            if (!delivered(frame, b, outGrad)) {
                Arrays.fill(workspace[b], 0.0);
            }
            grads[b] = workspace[b];
        }
        Arrays.fill(frame.delivered, null);
        boolean[] queued = queuedInputs(ctx);
        ProductGroup.PackedInputs packed = packedInputs(ctx);
        for (int k = code.length - 1; k >= 0; k--) {
            if (code[k] instanceof ProductGroup group) {
                group.backwardQueued(values, grads, ctx.kernels(), queued, ctx, packed);
            } else {
                code[k].backward(values, grads, ctx.kernels());
            }
        }
    }

    private void backward32(OpContext ctx, Frame frame, float[][] values) {
        int inputs = inputShapes.length;
        float[][] grads = new float[buffers.length][];
        for (int i = 0; i < inputs; i++) {
            grads[i] = ctx.needsGrad(i) ? ctx.inputGrad32(i).data : null;
        }
        float[][] workspace = gradientWorkspace32.get();
        float[] outGrad = ctx.outputGrad32().data;
        if (outputGradReadOnly) {
            grads[inputs] = outGrad;
        } else {
            System.arraycopy(outGrad, 0, workspace[inputs], 0, outGrad.length);
            grads[inputs] = workspace[inputs];
        }
        for (int b = inputs + 1; b < buffers.length; b++) {
            if (!delivered(frame, b, outGrad)) {
                Arrays.fill(workspace[b], 0f);
            }
            grads[b] = workspace[b];
        }
        Arrays.fill(frame.delivered, null);
        boolean[] queued = queuedInputs(ctx);
        ProductGroup.PackedInputs packed = packedInputs(ctx);
        for (int k = code.length - 1; k >= 0; k--) {
            if (code[k] instanceof ProductGroup group) {
                group.backwardQueued32(values, grads, ctx.kernels(), queued, ctx, packed);
            } else {
                code[k].backward32(values, grads, ctx.kernels());
            }
        }
    }

    /**
     * Whether buffer {@code b} is a state part whose gradient its {@link FusedStepPart} has put into this thread's
     * workspace in this very pass ({@code outGrad}, this step's output gradient, is the pass's token: a part's VJP
     * reaches it before this op's VJP runs, and a pass abandoned between the two leaves a token no later pass has).
     */
    private boolean delivered(Frame frame, int b, Object outGrad) {
        for (int k = 0; k < partBuffers.length; k++) {
            if (partBuffers[k] == b) {
                return frame.delivered[k] == outGrad;
            }
        }
        return false;
    }

    /** Number of state parts besides the output, each handed out by a {@link FusedStepPart}. */
    int otherParts() {
        return partBuffers.length;
    }

    /**
     * The frame the last forward on this thread made, checked to be the step whose output is {@code output}; forgotten
     * when {@code last} (the last part has taken its value).
     */
    Frame frameOf(Object output, boolean last) {
        Frame frame = lastForward.get();
        if (frame == null || output != (frame.values instanceof float[][] v32 ? v32[inputShapes.length] : ((double[][]) frame.values)[inputShapes.length])) {
            throw new IllegalStateException(name + ": a state part of a fused step is recorded only right after the step, by FusedStep.apply");
        }
        if (last) {
            lastForward.set(null);   // not remove(): the entry stays, the next step's set() is a plain store
        }
        return frame;
    }

    /** Buffer index of state part {@code k + 1}. */
    int partBuffer(int k) {
        return partBuffers[k];
    }

    /** This thread's gradient workspace of buffer {@code b} (float64). */
    double[] gradientWorkspace(int b) {
        return gradientWorkspace.get()[b];
    }

    /** This thread's gradient workspace of buffer {@code b} (float32). */
    float[] gradientWorkspace32(int b) {
        return gradientWorkspace32.get()[b];
    }

    /**
     * The traced step's tangent, replayed once for all parts: forward mode walks the recording in order, so the parts
     * recorded right after this op ask for theirs next ({@link #partTangent}). When s₁'s tangent is zero but another
     * part's is not, it is given as zeros: a part's rule is asked only when the step's output has a tangent.
     */
    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        V[] parts = tangentRule.tangents(ctx);
        if (parts.length == 1) {
            return parts[0];
        }
        boolean any = false;
        for (V part : parts) {
            any |= part != null;
        }
        if (!any) {
            return null;
        }
        lastTangents.set(new PartTangents(ctx.output(), parts));
        return parts[0] != null ? parts[0] : ctx.zeros(output);
    }

    /**
     * The tangent of state part {@code k + 1} from this thread's last replay, checked to be of the step whose output is
     * {@code stepOutput}; forgotten when {@code last}.
     */
    @SuppressWarnings("unchecked")
    <V> V partTangent(V stepOutput, int k, boolean last) {
        PartTangents replay = lastTangents.get();
        if (replay == null || replay.output() != stepOutput) {
            throw new IllegalStateException(name + ": the tangent of a state part is taken right after its step's, in recording order (as ForwardMode does)");
        }
        if (last) {
            lastTangents.set(null);   // the replay's values stay reachable no longer than needed
        }
        return (V) replay.parts()[k + 1];
    }

    /** The instructions, one per line. */
    String describe() {
        StringBuilder s = new StringBuilder();
        for (Instruction i : code) {
            s.append(i.describe()).append('\n');
        }
        return s.toString();
    }

    /** Number of product groups (GEMM instructions) per step. */
    long products() {
        return Arrays.stream(code).filter(i -> i instanceof ProductGroup).count();
    }

    /** Doubles a step keeps for backward beyond its inputs and output: the arena and the products' buffers. */
    long savedElements() {
        long n = 0;
        for (int b = inputShapes.length + 1; b < buffers.length; b++) {
            n += buffers[b].size();
        }
        return n;
    }
}
