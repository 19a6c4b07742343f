package org.tapegrad.fuse;

import org.tapegrad.kernel.Kernels;

/**
 * {@code y = a ∘ b} for ∘ one of + − ⊙ ÷, with {@code b} of {@code a}'s shape or a {@code 1×cols} row broadcast over
 * the rows (a bias). VJPs: {@code ā += ȳ, b̄ ±= Σ ȳ} for + −; {@code ā += ȳ⊙b, b̄ += Σ ȳ⊙a} for ⊙;
 * {@code ā += ȳ/b, b̄ −= Σ ȳ⊙y/b} for ÷ (the sums run over the broadcast rows).
 */
final class ElementwiseBinary extends Instruction {

    enum Operator { ADD, SUBTRACT, MULTIPLY, DIVIDE }

    private final Operator operator;
    private final Ref a;
    private final Ref b;
    private final Ref y;
    private final boolean rowBroadcast;
    /**
     * Both operands' gradients in one loop: safe when element i of the loop touches element i of each region only
     * (operands equal or disjoint, the result apart from both), so every element gets the same additions in the same
     * order as with a loop per operand.
     */
    private final boolean oneLoop;

    ElementwiseBinary(Operator operator, Ref a, Ref b, Ref y) {
        this(operator, a, b, y, true);
    }

    /** {@code fuseLoops} false: a loop per operand always (tests compare the two). */
    ElementwiseBinary(Operator operator, Ref a, Ref b, Ref y, boolean fuseLoops) {
        this.operator = operator;
        this.a = a;
        this.b = b;
        this.y = y;
        this.rowBroadcast = b.rows() != a.rows();
        this.oneLoop = fuseLoops && !rowBroadcast && ColumnRun.compatible(a, b) && !ColumnRun.overlaps(y, a) && !ColumnRun.overlaps(y, b);
    }

    @Override
    void forward(double[][] values, Kernels kernels) {
        forward(values, kernels, 0, a.cols());
    }

    @Override
    void forward(double[][] values, Kernels kernels, int from, int to) {
        double[] as = array(values, a);
        double[] bs = array(values, b);
        double[] ys = array(values, y);
        int ao = a.offset();
        int bo = b.offset();
        int yo = y.offset();
        int m = a.rows();
        if (!rowBroadcast) {
            forwardRun(kernels, as, ao + from * m, bs, bo + from * m, 1, ys, yo + from * m, (to - from) * m);
            return;
        }
        for (int j = from; j < to; j++) {
            forwardRun(kernels, as, ao + j * m, bs, bo + j, 0, ys, yo + j * m, m);
        }
    }

    /** {@code n} results; {@code b} advances by {@code bStride} (0: one broadcast element, 1: element-wise). */
    private void forwardRun(Kernels kernels, double[] as, int ao, double[] bs, int bo, int bStride, double[] ys, int yo, int n) {
        if (bStride == 1) {
            switch (operator) {
                case ADD -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] + bs[bo + i]; } }
                case SUBTRACT -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] - bs[bo + i]; } }
                case MULTIPLY -> kernels.activations().multiply(as, ao, bs, bo, ys, yo, n);
                case DIVIDE -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] / bs[bo + i]; } }
            }
            return;
        }
        double c = bs[bo];
        switch (operator) {
            case ADD -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] + c; } }
            case SUBTRACT -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] - c; } }
            case MULTIPLY -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] * c; } }
            case DIVIDE -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] / c; } }
        }
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels) {
        backward(values, grads, kernels, 0, a.cols());
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels, int from, int to) {
        double[] g = array(grads, y);
        double[] da = array(grads, a);
        double[] db = array(grads, b);
        double[] as = array(values, a);
        double[] bs = array(values, b);
        double[] ys = array(values, y);
        int m = a.rows();
        int yo = y.offset();
        int ao = a.offset();
        int bo = b.offset();
        if (!rowBroadcast) {
            backwardSameShape(kernels, g, yo + from * m, da, db, as, ao + from * m, bs, bo + from * m, ys, (to - from) * m);
            return;
        }
        for (int j = from; j < to; j++) {
            int col = j * m;
            int bj = rowBroadcast ? bo + j : bo + col;
            int step = rowBroadcast ? 0 : 1;
            double bSum = 0;
            for (int i = 0; i < m; i++) {
                double gi = g[yo + col + i];
                int bi = bj + step * i;
                double gA;
                double gB;
                switch (operator) {
                    case ADD -> { gA = gi; gB = gi; }
                    case SUBTRACT -> { gA = gi; gB = -gi; }
                    case MULTIPLY -> { gA = gi * bs[bi]; gB = gi * as[ao + col + i]; }
                    default -> { double q = gi / bs[bi]; gA = q; gB = -q * ys[yo + col + i]; }
                }
                if (da != null) {
                    da[ao + col + i] += gA;
                }
                if (db != null) {
                    if (rowBroadcast) {
                        bSum += gB;
                    } else {
                        db[bi] += gB;
                    }
                }
            }
            if (db != null && rowBroadcast) {
                db[bj] += bSum;
            }
        }
    }

    /** The VJP without broadcast: a product's on the element-wise kernel's loops, the other operators' one plain loop per operand. */
    private void backwardSameShape(Kernels kernels, double[] g, int yo, double[] da, double[] db, double[] as, int ao, double[] bs, int bo, double[] ys, int n) {
        switch (operator) {
            case ADD, SUBTRACT -> {
                if (da != null) {
                    for (int i = 0; i < n; i++) {
                        da[ao + i] += g[yo + i];
                    }
                }
                if (db != null) {
                    double sign = operator == Operator.ADD ? 1.0 : -1.0;
                    for (int i = 0; i < n; i++) {
                        db[bo + i] += sign * g[yo + i];
                    }
                }
            }
            case MULTIPLY -> {
                if (oneLoop && da != null && db != null) {
                    kernels.activations().multiplyGradients(g, yo, as, ao, bs, bo, da, ao, db, bo, n);
                    return;
                }
                if (da != null) {
                    kernels.activations().addProduct(g, yo, bs, bo, da, ao, n);
                }
                if (db != null) {
                    kernels.activations().addProduct(g, yo, as, ao, db, bo, n);
                }
            }
            case DIVIDE -> {
                for (int i = 0; i < n; i++) {
                    double q = g[yo + i] / bs[bo + i];
                    if (da != null) {
                        da[ao + i] += q;
                    }
                    if (db != null) {
                        db[bo + i] -= q * ys[yo + i];
                    }
                }
            }
        }
    }

    @Override
    void forward32(float[][] values, Kernels kernels) {
        forward32(values, kernels, 0, a.cols());
    }

    @Override
    void forward32(float[][] values, Kernels kernels, int from, int to) {
        float[] as = array(values, a);
        float[] bs = array(values, b);
        float[] ys = array(values, y);
        int ao = a.offset();
        int bo = b.offset();
        int yo = y.offset();
        int m = a.rows();
        if (!rowBroadcast) {
            forwardRun32(kernels, as, ao + from * m, bs, bo + from * m, 1, ys, yo + from * m, (to - from) * m);
            return;
        }
        for (int j = from; j < to; j++) {
            forwardRun32(kernels, as, ao + j * m, bs, bo + j, 0, ys, yo + j * m, m);
        }
    }

    private void forwardRun32(Kernels kernels, float[] as, int ao, float[] bs, int bo, int bStride, float[] ys, int yo, int n) {
        if (bStride == 1) {
            switch (operator) {
                case ADD -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] + bs[bo + i]; } }
                case SUBTRACT -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] - bs[bo + i]; } }
                case MULTIPLY -> kernels.activations().multiply(as, ao, bs, bo, ys, yo, n);
                case DIVIDE -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] / bs[bo + i]; } }
            }
            return;
        }
        float c = bs[bo];
        switch (operator) {
            case ADD -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] + c; } }
            case SUBTRACT -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] - c; } }
            case MULTIPLY -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] * c; } }
            case DIVIDE -> { for (int i = 0; i < n; i++) { ys[yo + i] = as[ao + i] / c; } }
        }
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels) {
        backward32(values, grads, kernels, 0, a.cols());
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels, int from, int to) {
        float[] g = array(grads, y);
        float[] da = array(grads, a);
        float[] db = array(grads, b);
        float[] as = array(values, a);
        float[] bs = array(values, b);
        float[] ys = array(values, y);
        int m = a.rows();
        int yo = y.offset();
        int ao = a.offset();
        int bo = b.offset();
        if (!rowBroadcast) {
            backwardSameShape32(kernels, g, yo + from * m, da, db, as, ao + from * m, bs, bo + from * m, ys, (to - from) * m);
            return;
        }
        for (int j = from; j < to; j++) {
            int col = j * m;
            int bj = rowBroadcast ? bo + j : bo + col;
            int step = rowBroadcast ? 0 : 1;
            double bSum = 0;   // reductions in double, as the tape's ops do
            for (int i = 0; i < m; i++) {
                float gi = g[yo + col + i];
                int bi = bj + step * i;
                float gA;
                float gB;
                switch (operator) {
                    case ADD -> { gA = gi; gB = gi; }
                    case SUBTRACT -> { gA = gi; gB = -gi; }
                    case MULTIPLY -> { gA = gi * bs[bi]; gB = gi * as[ao + col + i]; }
                    default -> { float q = gi / bs[bi]; gA = q; gB = -q * ys[yo + col + i]; }
                }
                if (da != null) {
                    da[ao + col + i] += gA;
                }
                if (db != null) {
                    if (rowBroadcast) {
                        bSum += gB;
                    } else {
                        db[bi] += gB;
                    }
                }
            }
            if (db != null && rowBroadcast) {
                db[bj] += (float) bSum;
            }
        }
    }

    private void backwardSameShape32(Kernels kernels, float[] g, int yo, float[] da, float[] db, float[] as, int ao, float[] bs, int bo, float[] ys, int n) {
        switch (operator) {
            case ADD, SUBTRACT -> {
                if (da != null) {
                    for (int i = 0; i < n; i++) {
                        da[ao + i] += g[yo + i];
                    }
                }
                if (db != null) {
                    float sign = operator == Operator.ADD ? 1f : -1f;
                    for (int i = 0; i < n; i++) {
                        db[bo + i] += sign * g[yo + i];
                    }
                }
            }
            case MULTIPLY -> {
                if (oneLoop && da != null && db != null) {
                    kernels.activations().multiplyGradients(g, yo, as, ao, bs, bo, da, ao, db, bo, n);
                    return;
                }
                if (da != null) {
                    kernels.activations().addProduct(g, yo, bs, bo, da, ao, n);
                }
                if (db != null) {
                    kernels.activations().addProduct(g, yo, as, ao, db, bo, n);
                }
            }
            case DIVIDE -> {
                for (int i = 0; i < n; i++) {
                    float q = g[yo + i] / bs[bo + i];
                    if (da != null) {
                        da[ao + i] += q;
                    }
                    if (db != null) {
                        db[bo + i] -= q * ys[yo + i];
                    }
                }
            }
        }
    }

    @Override
    int splitColumns() {
        return a.cols();
    }

    @Override
    Ref[] regions() {
        return new Ref[] {a, b, y};
    }

    @Override
    String describe() {
        return operator.name().toLowerCase(java.util.Locale.ROOT) + (rowBroadcast ? " (row broadcast) " : " ") + a.rows() + "×" + a.cols();
    }
}
