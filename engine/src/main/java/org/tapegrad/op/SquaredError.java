package org.tapegrad.op;


/** Element-wise {@code y = (a − b)²}; {@code ā += 2ȳ ⊙ (a − b)}, {@code b̄ −= 2ȳ ⊙ (a − b)};
 * {@code ẏ = 2(a − b) ⊙ (ȧ − ḃ)}. */
public final class SquaredError implements Op<Void>, LossHessian {

    public static final SquaredError INSTANCE = new SquaredError();

    private SquaredError() {
    }

    @Override
    public String name() {
        return "squared_error";
    }

    @Override
    public Shape outputShape(Shape... in) {
        Arity.require(name(), 2, in);
        if (!in[0].equals(in[1])) {
            throw ShapeException.of(name(), "prediction and target must have the same shape", in);
        }
        return in[0];
    }

    @Override
    public Void forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            float[] a = ctx.input32(0).data;
            float[] b = ctx.input32(1).data;
            float[] y = ctx.output32().data;
            for (int i = 0; i < a.length; i++) {
                float d = a[i] - b[i];
                y[i] = d * d;
            }
            return null;
        }
        double[] a = ctx.input(0).data;
        double[] b = ctx.input(1).data;
        double[] y = ctx.output().data;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            y[i] = d * d;
        }
        return null;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        if (ctx.dtype() == DType.F32) {
            float[] a = ctx.input32(0).data;
            float[] b = ctx.input32(1).data;
            float[] g = ctx.outputGrad32().data;
            for (int k = 0; k < 2; k++) {
                if (ctx.needsGrad(k)) {
                    float sign = k == 0 ? 2f : -2f;
                    float[] d = ctx.inputGrad32(k).data;
                    for (int i = 0; i < a.length; i++) {
                        d[i] += sign * g[i] * (a[i] - b[i]);
                    }
                }
            }
            return;
        }
        double[] a = ctx.input(0).data;
        double[] b = ctx.input(1).data;
        double[] g = ctx.outputGrad().data;
        for (int k = 0; k < 2; k++) {
            if (ctx.needsGrad(k)) {
                double sign = k == 0 ? 2.0 : -2.0;
                double[] d = ctx.inputGrad(k).data;
                for (int i = 0; i < a.length; i++) {
                    d[i] += sign * g[i] * (a[i] - b[i]);
                }
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
        V difference = ctx.apply(Subtract.INSTANCE, ctx.input(0), ctx.input(1));
        return TangentTerms.times(ctx, ctx.apply(ScaleShift.scale(2.0), difference),
                TangentTerms.minus(ctx, da, db, ctx.shape(ctx.output())));
    }

    /** {@code ∂²ℓ/∂a² = 2}: {@code u = 2w ⊙ ȧ}. */
    @Override
    public <V> V hessianProduct(TangentContext<V> ctx, V weights, V dx) {
        return ctx.apply(ScaleShift.scale(2.0), TangentTerms.times(ctx, weights, dx));
    }
}
