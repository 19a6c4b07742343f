package org.tapegrad.op;


/**
 * Element-wise binary cross-entropy of logits x against targets t in [0, 1], in the form that never overflows:
 * {@code y = max(x, 0) − x·t + log(1 + e^{−|x|})}; {@code x̄ += ȳ ⊙ (σ(x) − t)}, {@code t̄ += −ȳ ⊙ x};
 * {@code ẏ = (σ(x) − t) ⊙ ẋ − x ⊙ ṫ}. A target
 * outside [0, 1] (or NaN) is rejected when the op is recorded: the formula would silently give a loss without a
 * minimum.
 */
public final class BinaryCrossEntropy implements Op<Void>, LossHessian {

    public static final BinaryCrossEntropy INSTANCE = new BinaryCrossEntropy();

    private BinaryCrossEntropy() {
    }

    @Override
    public String name() {
        return "sigmoid_binary_cross_entropy";
    }

    @Override
    public Shape outputShape(Shape... in) {
        Arity.require(name(), 2, in);
        if (!in[0].equals(in[1])) {
            throw ShapeException.of(name(), "logits and targets must have the same shape", in);
        }
        return in[0];
    }

    @Override
    public Void forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            forward32(ctx);
            return null;
        }
        double[] x = ctx.input(0).data;
        double[] t = ctx.input(1).data;
        double[] y = ctx.output().data;
        int m = ctx.input(1).getRowDim();
        for (int i = 0; i < t.length; i++) {
            if (!(t[i] >= 0.0 && t[i] <= 1.0)) {
                throw new IllegalArgumentException(name() + ": target " + t[i] + " at (" + i % m + ", " + i / m + ") of "
                        + new Shape(m, ctx.input(1).getColDim()) + " is outside [0, 1]");
            }
        }
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(x[i], 0.0) - x[i] * t[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
        }
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        if (ctx.dtype() == DType.F32) {
            backward32(ctx);
            return;
        }
        double[] x = ctx.input(0).data;
        double[] t = ctx.input(1).data;
        double[] g = ctx.outputGrad().data;
        if (ctx.needsGrad(0)) {
            double[] dx = ctx.inputGrad(0).data;
            for (int i = 0; i < x.length; i++) {
                dx[i] += g[i] * (sigmoid(x[i]) - t[i]);
            }
        }
        if (ctx.needsGrad(1)) {
            double[] dt = ctx.inputGrad(1).data;
            for (int i = 0; i < x.length; i++) {
                dt[i] -= g[i] * x[i];
            }
        }
    }

    /** {@code 1/(1+e^{−x})} with {@code e^{−|x|} ≤ 1}, so nothing overflows. */
    private static double sigmoid(double x) {
        double e = Math.exp(-Math.abs(x));
        return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    }

    /** Float32: each element's loss is evaluated in double (exp, log1p) and rounded once. */
    private void forward32(OpContext ctx) {
        float[] x = ctx.input32(0).data;
        float[] t = ctx.input32(1).data;
        float[] y = ctx.output32().data;
        int m = ctx.input32(1).getRowDim();
        for (int i = 0; i < t.length; i++) {
            if (!(t[i] >= 0f && t[i] <= 1f)) {
                throw new IllegalArgumentException(name() + ": target " + t[i] + " at (" + i % m + ", " + i / m + ") of "
                        + new Shape(m, ctx.input32(1).getColDim()) + " is outside [0, 1]");
            }
        }
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            y[i] = (float) (Math.max(xi, 0.0) - xi * t[i] + Math.log1p(Math.exp(-Math.abs(xi))));
        }
    }

    private void backward32(OpContext ctx) {
        float[] x = ctx.input32(0).data;
        float[] t = ctx.input32(1).data;
        float[] g = ctx.outputGrad32().data;
        if (ctx.needsGrad(0)) {
            float[] dx = ctx.inputGrad32(0).data;
            for (int i = 0; i < x.length; i++) {
                dx[i] += (float) (g[i] * (sigmoid(x[i]) - t[i]));
            }
        }
        if (ctx.needsGrad(1)) {
            float[] dt = ctx.inputGrad32(1).data;
            for (int i = 0; i < x.length; i++) {
                dt[i] -= g[i] * x[i];
            }
        }
    }

    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        V da = ctx.tangent(0);
        V db = ctx.tangent(1);
        if (da == null && db == null) {
            return null;
        }
        V fromX = da == null ? null
                : TangentTerms.times(ctx, ctx.apply(Subtract.INSTANCE, ctx.apply(Sigmoid.INSTANCE, ctx.input(0)), ctx.input(1)), da);
        V fromT = db == null ? null : TangentTerms.times(ctx, ctx.input(0), db);
        return TangentTerms.minus(ctx, fromX, fromT, ctx.shape(ctx.output()));
    }

    /** {@code ∂²ℓ/∂x² = σ(x)(1 − σ(x))}: {@code u = w ⊙ σ(x)(1 − σ(x)) ⊙ ẋ}. */
    @Override
    public <V> V hessianProduct(TangentContext<V> ctx, V weights, V dx) {
        V p = ctx.apply(Sigmoid.INSTANCE, ctx.input(0));
        V curvature = TangentTerms.times(ctx, p, ctx.apply(ScaleShift.ONE_MINUS, p));
        return TangentTerms.times(ctx, TangentTerms.times(ctx, weights, curvature), dx);
    }
}
