package org.tapegrad.op;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.tape.Op;
import org.tapegrad.tape.OpContext;
import org.tapegrad.tape.Shape;
import org.tapegrad.tape.ShapeException;

/**
 * Per-row cross-entropy of logits against class indices, {@code m×1}: {@code y_i = logΣ_j e^{x_ij} − x_{i,t_i}}
 * (log-sum-exp with max subtraction, never {@code log} of a probability); {@code x̄_i += ȳ_i (softmax(x_i) − e_{t_i})}.
 * A target of {@link #IGNORE} gives loss 0 and gradient 0 for that row (padding).
 */
public final class SoftmaxCrossEntropy implements Op {

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
    public void forward(OpContext ctx) {
        R064Store x = ctx.input(0);
        int m = x.getRowDim();
        R064Store probabilities = ctx.scratch(m, x.getColDim());
        double[] y = ctx.output().data;
        RowSoftmax.compute(x.data, m, x.getColDim(), probabilities.data, y, ctx.scratch(m, 1).data);
        for (int i = 0; i < m; i++) {
            y[i] = targets[i] == IGNORE ? 0.0 : y[i] - x.data[i + targets[i] * m];
        }
        ctx.save(probabilities);
    }

    @Override
    public void backward(OpContext ctx) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        double[] p = ((R064Store) ctx.saved()).data;
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
}
