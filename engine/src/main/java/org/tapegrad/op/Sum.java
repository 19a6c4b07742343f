package org.tapegrad.op;


/**
 * Sum or mean over all elements ({@code 1×1}), over each row ({@code m×1}) or over each column ({@code 1×n});
 * {@code x̄ += ȳ} broadcast back (divided by the count for a mean); {@code ẏ} is the same sum of {@code ẋ}.
 */
public final class Sum implements Op<Void> {

    /** Which elements are added together. */
    public enum Axis { ALL, PER_ROW, PER_COLUMN }

    public static final Sum ALL = new Sum(Axis.ALL, false);
    public static final Sum PER_ROW = new Sum(Axis.PER_ROW, false);
    public static final Sum PER_COLUMN = new Sum(Axis.PER_COLUMN, false);
    public static final Sum MEAN_ALL = new Sum(Axis.ALL, true);
    public static final Sum MEAN_PER_ROW = new Sum(Axis.PER_ROW, true);
    public static final Sum MEAN_PER_COLUMN = new Sum(Axis.PER_COLUMN, true);

    private final Axis axis;
    private final boolean mean;
    private final String name;

    private Sum(Axis axis, boolean mean) {
        this.axis = axis;
        this.mean = mean;
        this.name = (mean ? "mean" : "sum") + (axis == Axis.ALL ? "" : axis == Axis.PER_ROW ? "_rows" : "_columns");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape outputShape(Shape... in) {
        Arity.require(name(), 1, in);
        switch (axis) {
            case ALL: return new Shape(1, 1);
            case PER_ROW: return new Shape(in[0].rows(), 1);
            default: return new Shape(1, in[0].cols());
        }
    }

    private int count(int m, int n) {
        return axis == Axis.ALL ? m * n : axis == Axis.PER_ROW ? n : m;
    }

    @Override
    public Void forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            forward32(ctx);
            return null;
        }
        double[] x = ctx.input(0).data;
        double[] y = ctx.output().data;
        int m = ctx.input(0).getRowDim();
        int n = ctx.input(0).getColDim();
        double scale = 1.0;
        sumInto(x, m, n, y, scale);
        if (!allFinite(y)) {
            // A partial sum overflowed (or an input is not finite): sum again scaled down by an exact power of two,
            // so that e.g. mean(1e308, 1e308) and sum(1e308, 1e308, −1e308) come out finite, as they are.
            scale = 0x1p-64;
            sumInto(x, m, n, y, scale);
        }
        double factor = mean ? 1.0 / count(m, n) : 1.0;
        if (factor != 1.0 || scale != 1.0) {
            for (int i = 0; i < y.length; i++) {
                y[i] = y[i] * factor / scale;
            }
        }
        return null;
    }

    /** {@code y = Σ scale·x} along the axis. */
    private void sumInto(double[] x, int m, int n, double[] y, double scale) {
        java.util.Arrays.fill(y, 0.0);
        for (int j = 0; j < n; j++) {
            int o = j * m;
            if (axis == Axis.PER_ROW) {
                for (int i = 0; i < m; i++) {
                    y[i] += scale * x[o + i];
                }
            } else {
                double s = 0;
                for (int i = 0; i < m; i++) {
                    s += scale * x[o + i];
                }
                y[axis == Axis.ALL ? 0 : j] += s;
            }
        }
    }

    private static boolean allFinite(double[] y) {
        for (double v : y) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void backward(OpContext ctx, Void saved) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        if (ctx.dtype() == DType.F32) {
            backward32(ctx);
            return;
        }
        double[] g = ctx.outputGrad().data;
        double[] dx = ctx.inputGrad(0).data;
        int m = ctx.input(0).getRowDim();
        int n = ctx.input(0).getColDim();
        double f = mean ? 1.0 / count(m, n) : 1.0;
        for (int j = 0; j < n; j++) {
            int o = j * m;
            if (axis == Axis.PER_ROW) {
                for (int i = 0; i < m; i++) {
                    dx[o + i] += f * g[i];
                }
            } else {
                double gj = f * g[axis == Axis.ALL ? 0 : j];
                for (int i = 0; i < m; i++) {
                    dx[o + i] += gj;
                }
            }
        }
    }

    /**
     * Float32: every sum is accumulated in double (no float partial sum loses the answer, and none of floats can
     * overflow a double) and rounded once.
     */
    private void forward32(OpContext ctx) {
        float[] x = ctx.input32(0).data;
        float[] y = ctx.output32().data;
        int m = ctx.input32(0).getRowDim();
        int n = ctx.input32(0).getColDim();
        double factor = mean ? 1.0 / count(m, n) : 1.0;
        if (axis == Axis.PER_ROW) {
            double[] acc = ctx.scratch(m, 1).data;
            java.util.Arrays.fill(acc, 0.0);
            for (int j = 0; j < n; j++) {
                int o = j * m;
                for (int i = 0; i < m; i++) {
                    acc[i] += x[o + i];
                }
            }
            for (int i = 0; i < m; i++) {
                y[i] = (float) (acc[i] * factor);
            }
            return;
        }
        double total = 0;
        for (int j = 0; j < n; j++) {
            int o = j * m;
            double s = 0;
            for (int i = 0; i < m; i++) {
                s += x[o + i];
            }
            if (axis == Axis.ALL) {
                total += s;
            } else {
                y[j] = (float) (s * factor);
            }
        }
        if (axis == Axis.ALL) {
            y[0] = (float) (total * factor);
        }
    }

    private void backward32(OpContext ctx) {
        float[] g = ctx.outputGrad32().data;
        float[] dx = ctx.inputGrad32(0).data;
        int m = ctx.input32(0).getRowDim();
        int n = ctx.input32(0).getColDim();
        double f = mean ? 1.0 / count(m, n) : 1.0;
        for (int j = 0; j < n; j++) {
            int o = j * m;
            if (axis == Axis.PER_ROW) {
                for (int i = 0; i < m; i++) {
                    dx[o + i] += (float) (f * g[i]);
                }
            } else {
                float gj = (float) (f * g[axis == Axis.ALL ? 0 : j]);
                for (int i = 0; i < m; i++) {
                    dx[o + i] += gj;
                }
            }
        }
    }

    /** Linear: the same op on the tangent. */
    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        V dx = ctx.tangent(0);
        return dx == null ? null : ctx.apply(this, dx);
    }
}
