package org.tapegrad.fuse;

import org.tapegrad.op.DType;
import org.tapegrad.op.Op;
import org.tapegrad.op.OpContext;
import org.tapegrad.op.Shape;
import org.tapegrad.op.ShapeException;
import org.tapegrad.op.TangentContext;

/**
 * State part {@code k + 1} of a fused step as a tape value of its own, recorded right after the step's
 * {@link FusedStepOp} with the step's output as its only input (which orders it after the step, and its VJP before the
 * step's). {@code y = s_{k+1}}, computed by the step into a whole buffer of its own: forward copies it out (one pass
 * over the part, where a slice of a packed output cost one per part); the VJP hands {@code ȳ} to the step, copied into
 * the step's gradient workspace for that buffer, and contributes nothing to the step's output ({@code ∂s_{k+1}/∂s₁ = 0}
 * here: both are computed from the step's inputs), which it only makes sure the pass reaches, so that the step's VJP
 * runs even when the loss reads this part alone. Its tangent, {@code ṡ_{k+1}}, is the traced step's, made by the
 * step's own tangent rule.
 */
final class FusedStepPart implements Op<FusedStepOp.Frame> {

    private final FusedStepOp step;
    private final int part;
    private final Shape stepOutput;
    private final Shape shape;
    private final String name;

    /** Part {@code part + 1} of {@code step} ({@code part} counts the parts after the first), of shape {@code shape}. */
    FusedStepPart(FusedStepOp step, int part, Shape stepOutput, Shape shape) {
        this.step = step;
        this.part = part;
        this.stepOutput = stepOutput;
        this.shape = shape;
        this.name = step.name() + " part " + (part + 1);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape outputShape(Shape... in) {
        if (in.length != 1 || !in[0].equals(stepOutput)) {
            throw ShapeException.of(name, "takes the step's output " + stepOutput, in);
        }
        return shape;
    }

    @Override
    public FusedStepOp.Frame forward(OpContext ctx) {
        boolean f32 = ctx.dtype() == DType.F32;
        FusedStepOp.Frame frame = step.frameOf(f32 ? ctx.input32(0).data : ctx.input(0).data, part == step.otherParts() - 1);
        int b = step.partBuffer(part);
        if (f32) {
            float[] v = ((float[][]) frame.values)[b];
            System.arraycopy(v, 0, ctx.output32().data, 0, v.length);
        } else {
            double[] v = ((double[][]) frame.values)[b];
            System.arraycopy(v, 0, ctx.output().data, 0, v.length);
        }
        return frame;
    }

    @Override
    public void backward(OpContext ctx, FusedStepOp.Frame frame) {
        int b = step.partBuffer(part);
        if (ctx.dtype() == DType.F32) {
            float[] g = ctx.outputGrad32().data;
            System.arraycopy(g, 0, step.gradientWorkspace32(b), 0, g.length);
            frame.delivered[part] = ctx.inputGrad32(0).data;
        } else {
            double[] g = ctx.outputGrad().data;
            System.arraycopy(g, 0, step.gradientWorkspace(b), 0, g.length);
            frame.delivered[part] = ctx.inputGrad(0).data;
        }
    }

    /**
     * {@code ẏ = ṡ_{k+1}} of the traced step (not a function of {@code ṡ₁}): the step's tangent rule, which ran just
     * before on the same walk, made it along with {@code ṡ₁}.
     */
    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        return step.partTangent(ctx.input(0), part, part == step.otherParts() - 1);
    }
}
