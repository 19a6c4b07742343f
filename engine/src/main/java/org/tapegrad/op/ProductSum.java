package org.tapegrad.op;

import org.tapegrad.kernel.SplitWork;


/**
 * {@code y = a⊙b + c⊙d} (four inputs of one shape); {@code ā += ȳ⊙b, b̄ += ȳ⊙a, c̄ += ȳ⊙d, d̄ += ȳ⊙c};
 * {@code ẏ = ȧ⊙b + a⊙ḃ + ċ⊙d + c⊙ḋ}.
 *
 * <p>A primitive because it is the state update of the gated cells — LSTM {@code f⊙c + i⊙g}, GRU
 * {@code (1−z)⊙h + z⊙h̃} — and one pass over four arrays is measurably cheaper than recording two products and a sum.
 */
public final class ProductSum implements Op<Void> {

    public static final ProductSum INSTANCE = new ProductSum();

    private ProductSum() {
    }

    @Override
    public String name() {
        return "product_sum";
    }

    @Override
    public Shape outputShape(Shape... in) {
        if (in.length != 4 || !in[0].equals(in[1]) || !in[0].equals(in[2]) || !in[0].equals(in[3])) {
            throw ShapeException.of(name(), "expected four inputs of one shape (a⊙b + c⊙d)", in);
        }
        return in[0];
    }

    @Override
    public Void forward(OpContext ctx) {
        int threads = ctx.kernels().gemm().threads();
        if (ctx.dtype() == DType.F32) {
            float[] a = ctx.input32(0).data;
            float[] b = ctx.input32(1).data;
            float[] c = ctx.input32(2).data;
            float[] d = ctx.input32(3).data;
            float[] y = ctx.output32().data;
            SplitWork.elements(threads, y.length, SplitWork.ARITHMETIC, (from, to) -> {
                for (int i = from; i < to; i++) {
                    y[i] = a[i] * b[i] + c[i] * d[i];
                }
            });
            return null;
        }
        double[] a = ctx.input(0).data;
        double[] b = ctx.input(1).data;
        double[] c = ctx.input(2).data;
        double[] d = ctx.input(3).data;
        double[] y = ctx.output().data;
        SplitWork.elements(threads, y.length, SplitWork.ARITHMETIC, (from, to) -> {
            for (int i = from; i < to; i++) {
                y[i] = a[i] * b[i] + c[i] * d[i];
            }
        });
        return null;
    }

    /**
     * Each element's four terms are added in the order k = 0…3 whatever the split (inputs may share a gradient
     * accumulator, as in {@code a⊙b + a⊙c}).
     */
    @Override
    public void backward(OpContext ctx, Void saved) {
        int threads = ctx.kernels().gemm().threads();
        if (ctx.dtype() == DType.F32) {
            float[] g = ctx.outputGrad32().data;
            float[][] partners = new float[4][];
            float[][] targets = new float[4][];
            for (int k = 0; k < 4; k++) {
                if (ctx.needsGrad(k)) {
                    partners[k] = ctx.input32(k ^ 1).data;
                    targets[k] = ctx.inputGrad32(k).data;   // gradient buffers are made on this thread, before the split
                }
            }
            SplitWork.elements(threads, g.length, 4 * SplitWork.ARITHMETIC, (from, to) -> {
                for (int k = 0; k < 4; k++) {
                    if (targets[k] != null) {
                        float[] partner = partners[k];
                        float[] target = targets[k];
                        for (int i = from; i < to; i++) {
                            target[i] += g[i] * partner[i];
                        }
                    }
                }
            });
            return;
        }
        double[] g = ctx.outputGrad().data;
        double[][] partners = new double[4][];
        double[][] targets = new double[4][];
        for (int k = 0; k < 4; k++) {
            if (ctx.needsGrad(k)) {
                partners[k] = ctx.input(k ^ 1).data;
                targets[k] = ctx.inputGrad(k).data;
            }
        }
        SplitWork.elements(threads, g.length, 4 * SplitWork.ARITHMETIC, (from, to) -> {
            for (int k = 0; k < 4; k++) {
                if (targets[k] != null) {
                    double[] partner = partners[k];
                    double[] target = targets[k];
                    for (int i = from; i < to; i++) {
                        target[i] += g[i] * partner[i];
                    }
                }
            }
        });
    }

    /** The non-zero terms of the product rule, two at a time as this op itself, an odd one as a product. */
    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        java.util.List<V> factors = new java.util.ArrayList<>(8);
        for (int k = 0; k < 4; k++) {
            V t = ctx.tangent(k);
            if (t != null) {
                factors.add(t);
                factors.add(ctx.input(k ^ 1));   // the partner in a⊙b or c⊙d
            }
        }
        V sum = null;
        int k = 0;
        for (; k + 4 <= factors.size(); k += 4) {
            V pair = ctx.apply(this, factors.get(k), factors.get(k + 1), factors.get(k + 2), factors.get(k + 3));
            sum = sum == null ? pair : ctx.apply(Add.INSTANCE, sum, pair);
        }
        if (k < factors.size()) {
            V single = TangentTerms.times(ctx, factors.get(k), factors.get(k + 1));
            sum = sum == null ? single : ctx.apply(Add.INSTANCE, sum, single);
        }
        return sum;
    }
}
