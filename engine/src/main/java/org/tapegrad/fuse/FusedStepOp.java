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
 * reverse; {@code y = [s₁ | s₂ | …]}, the new state parts side by side. The saved state is the step's buffer table:
 * the inputs' arrays, the one arena every element-wise value of the step lives in, and the few whole buffers the
 * products need.
 */
final class FusedStepOp implements Op<Object> {

    private final String name;
    private final Shape[] inputShapes;
    private final Shape output;
    private final Buffer[] buffers;      // indices 0..inputs-1 inputs, then output, then arena and own buffers
    private final Instruction[] code;
    /**
     * The gradients of the step's own buffers, reused from step to step of a backward pass (VJPs never nest, so one
     * set per thread suffices): they stay in cache, where fresh pooled buffers per step would stream through memory.
     */
    private final ThreadLocal<double[][]> gradientWorkspace;
    private final ThreadLocal<float[][]> gradientWorkspace32;

    FusedStepOp(String name, Shape[] inputShapes, Shape output, List<Buffer> buffers, List<Instruction> code, Schedule schedule) {
        this.name = name;
        this.inputShapes = inputShapes;
        this.output = output;
        this.buffers = buffers.toArray(new Buffer[0]);
        this.code = ColumnRun.group(code, schedule).toArray(new Instruction[0]);
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

    /** The buffer table ({@code double[][]} or {@code float[][]}, the tape's element type) is the saved state. */
    @Override
    public Object forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            return forward32(ctx);
        }
        int inputs = inputShapes.length;
        double[][] values = new double[buffers.length][];
        for (int i = 0; i < inputs; i++) {
            values[i] = ctx.input(i).data;
        }
        values[inputs] = ctx.output().data;
        for (int b = inputs + 1; b < buffers.length; b++) {
            values[b] = ctx.scratch(buffers[b].rows, buffers[b].cols).data;
        }
        for (Instruction instruction : code) {
            instruction.forward(values, ctx.kernels());
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
        for (Instruction instruction : code) {
            instruction.forward32(values, ctx.kernels());
        }
        return values;
    }

    @Override
    public void backward(OpContext ctx, Object saved) {
        if (saved instanceof float[][] values32) {
            backward32(ctx, values32);
            return;
        }
        double[][] values = (double[][]) saved;
        int inputs = inputShapes.length;
        double[][] grads = new double[buffers.length][];
        for (int i = 0; i < inputs; i++) {
            grads[i] = ctx.needsGrad(i) ? ctx.inputGrad(i).data : null;
        }
        double[][] workspace = gradientWorkspace.get();
        // The output's gradient also collects what the step's own later instructions send back (c_t feeds tanh(c_t)),
        // so it is a copy: a VJP must not write into its output gradient.
        double[] outGrad = ctx.outputGrad().data;
        System.arraycopy(outGrad, 0, workspace[inputs], 0, outGrad.length);
        grads[inputs] = workspace[inputs];
        for (int b = inputs + 1; b < buffers.length; b++) {
            Arrays.fill(workspace[b], 0.0);
            grads[b] = workspace[b];
        }
        for (int k = code.length - 1; k >= 0; k--) {
            code[k].backward(values, grads, ctx.kernels());
        }
    }

    private void backward32(OpContext ctx, float[][] values) {
        int inputs = inputShapes.length;
        float[][] grads = new float[buffers.length][];
        for (int i = 0; i < inputs; i++) {
            grads[i] = ctx.needsGrad(i) ? ctx.inputGrad32(i).data : null;
        }
        float[][] workspace = gradientWorkspace32.get();
        float[] outGrad = ctx.outputGrad32().data;
        System.arraycopy(outGrad, 0, workspace[inputs], 0, outGrad.length);
        grads[inputs] = workspace[inputs];
        for (int b = inputs + 1; b < buffers.length; b++) {
            Arrays.fill(workspace[b], 0f);
            grads[b] = workspace[b];
        }
        for (int k = code.length - 1; k >= 0; k--) {
            code[k].backward32(values, grads, ctx.kernels());
        }
    }

    /**
     * Declined, with the way out: a fused step has no tangent rule, so forward mode (Hessian-vector and Gauss-Newton
     * products) runs the cell unfused.
     */
    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        throw new UnsupportedOperationException(name + ": a fused step has no tangent rule, so forward mode, Hessian-vector and"
                + " Gauss-Newton products cannot pass through it; record the cell unfused for those (FusedCell.unfused(), or the cell itself)");
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
