package org.tapegrad.op;

import org.ojalgo.matrix.store.PhysicalStore;
import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;

/**
 * Per-row cross-entropy of logits against class indices, {@code m×1}: {@code y_i = (max_i − x_{i,t_i}) + log Σ_j
 * e^{x_ij − max_i}} (log-sum-exp around the maximum, never {@code log} of a probability); {@code x̄_i += ȳ_i
 * (softmax(x_i) − e_{t_i})}; {@code ẏ_i = Σ_j (softmax(x_i) − e_{t_i})_j ẋ_ij}.
 * A target of {@link #IGNORE} gives loss 0 and gradient 0 for that row (padding).
 */
public final class SoftmaxCrossEntropy implements Op<PhysicalStore<Double>>, LossHessian {

    /** Target value marking a row that takes no part in the loss. */
    public static final int IGNORE = -1;

    private final int[] targets;

    /** @param targets one class index per row, or {@link #IGNORE}; copied */
    public SoftmaxCrossEntropy(int... targets) {
        this.targets = targets.clone();
    }

    @Override
    public String name() {
        return "softmax_cross_entropy";
    }

    @Override
    public Shape outputShape(Shape... in) {
        Arity.require(name(), 1, in);
        if (targets.length != in[0].rows()) {
            throw ShapeException.of(name(), targets.length + " targets for " + in[0].rows() + " rows of logits", in[0]);
        }
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] != IGNORE && (targets[i] < 0 || targets[i] >= in[0].cols())) {
                throw ShapeException.of(name(), "target " + targets[i] + " of row " + i + " is not a class in 0.." + (in[0].cols() - 1) + " (or " + IGNORE + " to ignore)", in[0]);
            }
        }
        return new Shape(in[0].rows(), 1);
    }

    @Override
    public PhysicalStore<Double> forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            return forward32(ctx);
        }
        R064Store x = ctx.input(0);
        int m = x.getRowDim();
        R064Store probabilities = ctx.scratch(m, x.getColDim());
        double[] y = ctx.output().data;
        double[] max = ctx.scratch(m, 1).data;
        RowSoftmax.compute(x.data, m, x.getColDim(), probabilities.data, max, y);
        for (int i = 0; i < m; i++) {
            y[i] = targets[i] == IGNORE ? 0.0 : (max[i] - x.data[i + targets[i] * m]) + y[i];
        }
        return probabilities;
    }

    @Override
    public void backward(OpContext ctx, PhysicalStore<Double> saved) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        if (saved instanceof R032Store) {
            backward32(ctx, ((R032Store) saved).data);
            return;
        }
        double[] p = ((R064Store) saved).data;
        double[] g = ctx.outputGrad().data;
        double[] dx = ctx.inputGrad(0).data;
        int m = targets.length;
        int n = ctx.input(0).getColDim();
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                if (targets[i] != IGNORE) {
                    dx[o + i] += g[i] * (p[o + i] - (targets[i] == j ? 1.0 : 0.0));
                }
            }
        }
    }

    /** Float32: log-sum-exp in double, each row's loss rounded once. */
    private R032Store forward32(OpContext ctx) {
        R032Store x = ctx.input32(0);
        int m = x.getRowDim();
        R032Store probabilities = ctx.scratch32(m, x.getColDim());
        float[] y = ctx.output32().data;
        double[] max = ctx.scratch(m, 1).data;
        double[] logSum = ctx.scratch(m, 1).data;
        RowSoftmax.compute(x.data, m, x.getColDim(), probabilities.data, max, logSum);
        for (int i = 0; i < m; i++) {
            y[i] = targets[i] == IGNORE ? 0f : (float) ((max[i] - x.data[i + targets[i] * m]) + logSum[i]);
        }
        return probabilities;
    }

    private void backward32(OpContext ctx, float[] p) {
        float[] g = ctx.outputGrad32().data;
        float[] dx = ctx.inputGrad32(0).data;
        int m = targets.length;
        int n = ctx.input32(0).getColDim();
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                if (targets[i] != IGNORE) {
                    dx[o + i] += g[i] * (p[o + i] - (targets[i] == j ? 1f : 0f));
                }
            }
        }
    }

    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        V dx = ctx.tangent(0);
        if (dx == null) {
            return null;
        }
        Shape shape = ctx.shape(ctx.input(0));
        int m = shape.rows();
        double[] oneHot = new double[m * shape.cols()];
        double[] kept = new double[m];
        boolean anyIgnored = false;
        for (int i = 0; i < m; i++) {
            if (targets[i] == IGNORE) {
                anyIgnored = true;
            } else {
                oneHot[i + targets[i] * m] = 1.0;
                kept[i] = 1.0;
            }
        }
        V direction = ctx.apply(Subtract.INSTANCE, ctx.apply(Softmax.INSTANCE, ctx.input(0)), ctx.constant(shape, oneHot));
        if (anyIgnored) {
            direction = TangentTerms.times(ctx, direction, ctx.constant(new Shape(m, 1), kept));
        }
        return ctx.apply(Sum.PER_ROW, TangentTerms.times(ctx, direction, dx));
    }

    /**
     * {@code ∂²ℓ_i/∂x_i² = diag(p_i) − p_i p_iᵀ} with {@code p_i = softmax(x_i)}: {@code u_i = w_i (p_i ⊙ ẋ_i − p_i ⟨p_i, ẋ_i⟩)},
     * zero for ignored rows.
     */
    @Override
    public <V> V hessianProduct(TangentContext<V> ctx, V weights, V dx) {
        int m = ctx.shape(ctx.input(0)).rows();
        double[] kept = new double[m];
        for (int i = 0; i < m; i++) {
            kept[i] = targets[i] == IGNORE ? 0.0 : 1.0;
        }
        V p = ctx.apply(Softmax.INSTANCE, ctx.input(0));
        V pdx = TangentTerms.times(ctx, p, dx);
        V centred = ctx.apply(Subtract.INSTANCE, pdx, TangentTerms.times(ctx, p, ctx.apply(Sum.PER_ROW, pdx)));
        V rowWeights = TangentTerms.times(ctx, weights, ctx.constant(new Shape(m, 1), kept));
        return TangentTerms.times(ctx, centred, rowWeights);
    }
}
