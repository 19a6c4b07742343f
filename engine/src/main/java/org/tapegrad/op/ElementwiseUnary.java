package org.tapegrad.op;

import org.tapegrad.kernel.Kernels;

/**
 * An op {@code y = f(x)} applied element by element, whose VJP {@code x̄ += ȳ ⊙ f'(x)} needs only {@code x} and
 * {@code y}, and whose tangent {@code ẏ = ẋ ⊙ f'(x)} is recorded from x and y: the shape rule, the arity check and
 * the "needs a gradient?" test live here, the two loops in the final subclass, once per element type.
 */
abstract class ElementwiseUnary implements Op<Void> {

    private final String name;

    ElementwiseUnary(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Shape outputShape(Shape... in) {
        Arity.require(name, 1, in);
        return in[0];
    }

    @Override
    public final Void forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            compute(ctx.input32(0).data, ctx.output32().data, ctx.kernels());
        } else {
            compute(ctx.input(0).data, ctx.output().data, ctx.kernels());
        }
        return null;
    }

    @Override
    public final void backward(OpContext ctx, Void saved) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        if (ctx.dtype() == DType.F32) {
            accumulateGradient(ctx.input32(0).data, ctx.output32().data, ctx.outputGrad32().data, ctx.inputGrad32(0).data);
        } else {
            accumulateGradient(ctx.input(0).data, ctx.output().data, ctx.outputGrad().data, ctx.inputGrad(0).data);
        }
    }

    @Override
    public final <V> V tangent(TangentContext<V> ctx) {
        V dx = ctx.tangent(0);
        return dx == null ? null : tangentOf(ctx, ctx.input(0), ctx.output(), dx);
    }

    /** {@code ẏ = f'(x) ⊙ ẋ}, recorded as ops, for a non-zero tangent {@code dx}. */
    abstract <V> V tangentOf(TangentContext<V> ctx, V x, V y, V dx);

    /** {@code y[i] = f(x[i])} for every i. */
    abstract void compute(double[] x, double[] y, Kernels kernels);

    /** {@code dx[i] += g[i]·f'(x[i])}, with {@code y = f(x)} at hand. */
    abstract void accumulateGradient(double[] x, double[] y, double[] g, double[] dx);

    /** The float32 form of {@link #compute(double[], double[], Kernels)}. */
    abstract void compute(float[] x, float[] y, Kernels kernels);

    /** The float32 form of {@link #accumulateGradient(double[], double[], double[], double[])}. */
    abstract void accumulateGradient(float[] x, float[] y, float[] g, float[] dx);
}
