package org.tapegrad.op;

import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.SplitWork;

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
        Kernels kernels = ctx.kernels();
        int threads = kernels.gemm().threads();
        if (ctx.dtype() == DType.F32) {
            float[] x = ctx.input32(0).data;
            float[] y = ctx.output32().data;
            SplitWork.elements(threads, x.length, cost(), (from, to) -> compute(x, y, from, to, kernels));
        } else {
            double[] x = ctx.input(0).data;
            double[] y = ctx.output().data;
            SplitWork.elements(threads, x.length, cost(), (from, to) -> compute(x, y, from, to, kernels));
        }
        return null;
    }

    @Override
    public final void backward(OpContext ctx, Void saved) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        int threads = ctx.kernels().gemm().threads();
        if (ctx.dtype() == DType.F32) {
            float[] x = ctx.input32(0).data;
            float[] y = ctx.output32().data;
            float[] g = ctx.outputGrad32().data;
            float[] dx = ctx.inputGrad32(0).data;   // taken on this thread: gradient buffers are not thread-safe to create
            SplitWork.elements(threads, x.length, SplitWork.ARITHMETIC, (from, to) -> accumulateGradient(x, y, g, dx, from, to));
        } else {
            double[] x = ctx.input(0).data;
            double[] y = ctx.output().data;
            double[] g = ctx.outputGrad().data;
            double[] dx = ctx.inputGrad(0).data;
            SplitWork.elements(threads, x.length, SplitWork.ARITHMETIC, (from, to) -> accumulateGradient(x, y, g, dx, from, to));
        }
    }

    @Override
    public final <V> V tangent(TangentContext<V> ctx) {
        V dx = ctx.tangent(0);
        return dx == null ? null : tangentOf(ctx, ctx.input(0), ctx.output(), dx);
    }

    /** {@code ẏ = f'(x) ⊙ ẋ}, recorded as ops, for a non-zero tangent {@code dx}. */
    abstract <V> V tangentOf(TangentContext<V> ctx, V x, V y, V dx);

    /**
     * Work units per element of the forward loop ({@link SplitWork}): {@link SplitWork#ARITHMETIC} unless the op
     * evaluates a transcendental function. Decides only whether the loop is split over threads, never its result.
     */
    int cost() {
        return SplitWork.ARITHMETIC;
    }

    /** {@code y[i] = f(x[i])} for i in {@code [from, to)}. */
    abstract void compute(double[] x, double[] y, int from, int to, Kernels kernels);

    /** {@code dx[i] += g[i]·f'(x[i])} for i in {@code [from, to)}, with {@code y = f(x)} at hand. */
    abstract void accumulateGradient(double[] x, double[] y, double[] g, double[] dx, int from, int to);

    /** The float32 form of {@link #compute(double[], double[], int, int, Kernels)}. */
    abstract void compute(float[] x, float[] y, int from, int to, Kernels kernels);

    /** The float32 form of {@link #accumulateGradient(double[], double[], double[], double[], int, int)}. */
    abstract void accumulateGradient(float[] x, float[] y, float[] g, float[] dx, int from, int to);
}
