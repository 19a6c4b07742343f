package org.tapegrad.op;

import org.tapegrad.kernel.ActivationKernel;
import org.tapegrad.kernel.ColumnRangeGemm;
import org.tapegrad.kernel.GemmKernel;
import org.tapegrad.kernel.PackedOperand;
import org.tapegrad.kernel.SplitWork;

import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;

/**
 * {@code y = Σ_k x_k·W_k + b} in one op (inputs {@code x₁, W₁, …, x_n, W_n, b}, b a {@code 1×N} row);
 * {@code x̄_k += ȳ·W_kᵀ, W̄_k += x_kᵀ·ȳ, b̄ += Σ_rows ȳ};
 * {@code ẏ = Σ_k (ẋ_k·W_k + x_k·Ẇ_k) + ḃ}.
 *
 * <p>A primitive because it is measurably cheaper than its composition, the pre-activation of every recurrent cell
 * ({@code x·W_x + h·W_h + b}): the products accumulate straight into the output and the bias is added in the same
 * pass, so a step records one op and one {@code B×N} buffer instead of four of each, and backward needs no
 * intermediate gradients.
 */
public final class Affine implements Op<Void> {

    private final int pairs;

    /** An affine map over {@code pairs} (x, W) pairs and a bias. */
    public Affine(int pairs) {
        if (pairs < 1) {
            throw new IllegalArgumentException("affine: needs at least one (x, W) pair, got " + pairs);
        }
        this.pairs = pairs;
    }

    @Override
    public String name() {
        return "affine";
    }

    @Override
    public Shape outputShape(Shape... in) {
        if (in.length != 2 * pairs + 1) {
            throw new ShapeException(name() + ": expected " + (2 * pairs + 1) + " inputs (x, W pairs and a bias), got " + in.length);
        }
        int rows = in[0].rows();
        int cols = in[1].cols();
        for (int k = 0; k < pairs; k++) {
            Shape x = in[2 * k];
            Shape w = in[2 * k + 1];
            if (x.cols() != w.rows()) {
                throw new ShapeException(name() + ": " + x + "·" + w + ": inner dimensions " + x.cols() + " ≠ " + w.rows());
            }
            if (x.rows() != rows || w.cols() != cols) {
                throw ShapeException.of(name(), "every product must be " + rows + "×" + cols, in);
            }
        }
        Shape b = in[2 * pairs];
        if (b.rows() != 1 || b.cols() != cols) {
            throw ShapeException.of(name(), "the bias must be 1×" + cols, in);
        }
        return new Shape(rows, cols);
    }

    /**
     * The weight slots and the bias: {@code W̄_k += x_kᵀ·ȳ} and {@code b̄ += Σ_rows ȳ} read only values and
     * {@code ȳ}, and feed nothing else of the pass.
     */
    @Override
    public boolean defersGradient(int i) {
        return i == 2 * pairs || i % 2 == 1;
    }

    @Override
    public Void forward(OpContext ctx) {
        if (ctx.dtype() == DType.F32) {
            forward32(ctx);
            return null;
        }
        GemmKernel gemm = ctx.kernels().gemm();
        ActivationKernel activations = ctx.kernels().activations();
        R064Store y = ctx.output();
        int m = y.getRowDim();
        int n = y.getColDim();
        double[][] xs = new double[pairs][];
        double[][] ws = new double[pairs][];
        PackedOperand[] packed = new PackedOperand[pairs];
        int[] inner = new int[pairs];
        for (int k = 0; k < pairs; k++) {
            xs[k] = ctx.input(2 * k).data;
            ws[k] = ctx.input(2 * k + 1).data;
            inner[k] = ctx.input(2 * k).getColDim();
            packed[k] = ctx.packedInput(2 * k + 1, false, m);
        }
        double[] b = ctx.input(2 * pairs).data;
        double[] out = y.data;
        int panel = panelColumns(gemm, ctx.dtype());
        SplitWork.shares(threads(gemm), forwardWork(m, n, inner), (index, shares) -> {
            int from = SplitWork.start(n, index, shares, panel);
            int to = SplitWork.start(n, index + 1, shares, panel);
            for (int k = 0; k < pairs; k++) {
                product(gemm, false, false, m, n, inner[k], xs[k], ws[k], packed[k], out, k > 0, from, to);
            }
            activations.addToEveryRow(b, out, m, from, to);
        });
        return null;
    }

    /**
     * How many shares the op's work is cut into: the kernel's threads when it computes column ranges
     * ({@link ColumnRangeGemm}), else 1 (one share, whose whole products the kernel splits itself if it can).
     */
    private static int threads(GemmKernel gemm) {
        return gemm instanceof ColumnRangeGemm ? gemm.threads() : 1;
    }

    /**
     * The kernel's packed-panel width, so that every share of a product starts at a panel of the weights packed
     * beforehand ({@link SplitWork#start(int, int, int, int)}).
     */
    private static int panelColumns(GemmKernel gemm, DType dtype) {
        return gemm instanceof ColumnRangeGemm ranges ? ranges.panelColumns(dtype == DType.F32) : SplitWork.ALIGN;
    }

    /**
     * Columns {@code [from, to)} of {@code C (+)= op(A)·op(B)}, B's panels read from {@code packed} when not null (the
     * same bits); a kernel without column ranges only ever gets the one share {@code [0, n)} ({@link #threads}) and
     * computes the whole product.
     */
    private static void product(GemmKernel gemm, boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b,
            PackedOperand packed, double[] c, boolean accumulate, int from, int to) {
        if (packed != null) {
            if (gemm instanceof ColumnRangeGemm ranges) {
                ranges.gemmColumns(transA, m, n, k, a, packed, c, accumulate, from, to);
            } else {
                gemm.gemm(transA, m, n, k, a, packed, c, accumulate);
            }
            return;
        }
        if (gemm instanceof ColumnRangeGemm ranges) {
            ranges.gemmColumns(transA, transB, m, n, k, a, b, c, accumulate, from, to);
        } else {
            gemm.gemm(transA, transB, m, n, k, a, b, c, accumulate);
        }
    }

    /** The float32 form of {@link #product(GemmKernel, boolean, boolean, int, int, int, double[], double[], PackedOperand, double[], boolean, int, int)}. */
    private static void product(GemmKernel gemm, boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b,
            PackedOperand packed, float[] c, boolean accumulate, int from, int to) {
        if (packed != null) {
            if (gemm instanceof ColumnRangeGemm ranges) {
                ranges.gemmColumns(transA, m, n, k, a, packed, c, accumulate, from, to);
            } else {
                gemm.gemm(transA, m, n, k, a, packed, c, accumulate);
            }
            return;
        }
        if (gemm instanceof ColumnRangeGemm ranges) {
            ranges.gemmColumns(transA, transB, m, n, k, a, b, c, accumulate, from, to);
        } else {
            gemm.gemm(transA, transB, m, n, k, a, b, c, accumulate);
        }
    }

    /** Multiply-adds of all the forward products. */
    private long forwardWork(int m, int n, int[] inner) {
        long work = 0;
        for (int k = 0; k < pairs; k++) {
            work += (long) m * n * inner[k];
        }
        return work;
    }

    /**
     * Share s computes its block of the columns of every x̄_k and of every W̄_k and b̄ (the output's columns), in the
     * order of one thread (x̄_k, W̄_k for k = 1…n, then b̄), so that gradients sharing an accumulator are added to in
     * the same order whatever the split.
     */
    @Override
    public void backward(OpContext ctx, Void saved) {
        if (ctx.dtype() == DType.F32) {
            backward32(ctx);
            return;
        }
        GemmKernel gemm = ctx.kernels().gemm();
        ActivationKernel activations = ctx.kernels().activations();
        R064Store g = ctx.outputGrad();
        int m = g.getRowDim();
        int n = g.getColDim();
        double[][] xs = new double[pairs][];
        double[][] ws = new double[pairs][];
        double[][] dxs = new double[pairs][];
        double[][] dws = new double[pairs][];
        PackedOperand[] packed = new PackedOperand[pairs];
        int[] inner = new int[pairs];
        for (int k = 0; k < pairs; k++) {
            xs[k] = ctx.input(2 * k).data;
            ws[k] = ctx.input(2 * k + 1).data;
            inner[k] = ctx.input(2 * k).getColDim();
            dxs[k] = ctx.needsGrad(2 * k) ? ctx.inputGrad(2 * k).data : null;      // gradient buffers are taken on
            dws[k] = ctx.needsGrad(2 * k + 1) ? ctx.inputGrad(2 * k + 1).data : null;   // this thread, before the split
            packed[k] = dxs[k] != null ? ctx.packedInput(2 * k + 1, true, m) : null;
        }
        double[] db = ctx.needsGrad(2 * pairs) ? ctx.inputGrad(2 * pairs).data : null;
        double[] gd = g.data;
        for (int k = 0; k < pairs; k++) {
            if (dws[k] != null && ctx.gradientDeferrable(2 * k + 1)) {   // queued (but for a share kept), off the chain of steps
                WeightGradients.accumulate(ctx, gemm, inner[k], n, m, xs[k], gd, dws[k]);
                dws[k] = null;
            }
        }
        boolean biasQueued = db != null && ctx.gradientDeferrable(2 * pairs);
        if (biasQueued) {
            ctx.deferGradient(() -> activations.addColumnSums(gd, db, m, 0, n));
        }
        double[] dbNow = biasQueued ? null : db;
        int panel = panelColumns(gemm, ctx.dtype());
        SplitWork.shares(threads(gemm), 2 * forwardWork(m, n, inner), (index, shares) -> {
            int from = SplitWork.start(n, index, shares, panel);
            int to = SplitWork.start(n, index + 1, shares, panel);
            for (int k = 0; k < pairs; k++) {
                if (dxs[k] != null) {
                    product(gemm, false, true, m, inner[k], n, gd, ws[k], packed[k], dxs[k], true,
                            SplitWork.start(inner[k], index, shares, panel), SplitWork.start(inner[k], index + 1, shares, panel));
                }
                if (dws[k] != null) {
                    product(gemm, true, false, inner[k], n, m, xs[k], gd, null, dws[k], true, from, to);
                }
            }
            if (dbNow != null) {
                activations.addColumnSums(gd, dbNow, m, from, to);
            }
        });
    }

    /** The float32 form of {@link #forward(OpContext)}. */
    private void forward32(OpContext ctx) {
        GemmKernel gemm = ctx.kernels().gemm();
        ActivationKernel activations = ctx.kernels().activations();
        R032Store y = ctx.output32();
        int m = y.getRowDim();
        int n = y.getColDim();
        float[][] xs = new float[pairs][];
        float[][] ws = new float[pairs][];
        PackedOperand[] packed = new PackedOperand[pairs];
        int[] inner = new int[pairs];
        for (int k = 0; k < pairs; k++) {
            xs[k] = ctx.input32(2 * k).data;
            ws[k] = ctx.input32(2 * k + 1).data;
            inner[k] = ctx.input32(2 * k).getColDim();
            packed[k] = ctx.packedInput(2 * k + 1, false, m);
        }
        float[] b = ctx.input32(2 * pairs).data;
        float[] out = y.data;
        int panel = panelColumns(gemm, ctx.dtype());
        SplitWork.shares(threads(gemm), forwardWork(m, n, inner), (index, shares) -> {
            int from = SplitWork.start(n, index, shares, panel);
            int to = SplitWork.start(n, index + 1, shares, panel);
            for (int k = 0; k < pairs; k++) {
                product(gemm, false, false, m, n, inner[k], xs[k], ws[k], packed[k], out, k > 0, from, to);
            }
            activations.addToEveryRow(b, out, m, from, to);
        });
    }

    /** The float32 form of {@link #backward(OpContext, Void)}. */
    private void backward32(OpContext ctx) {
        GemmKernel gemm = ctx.kernels().gemm();
        ActivationKernel activations = ctx.kernels().activations();
        R032Store g = ctx.outputGrad32();
        int m = g.getRowDim();
        int n = g.getColDim();
        float[][] xs = new float[pairs][];
        float[][] ws = new float[pairs][];
        float[][] dxs = new float[pairs][];
        float[][] dws = new float[pairs][];
        PackedOperand[] packed = new PackedOperand[pairs];
        int[] inner = new int[pairs];
        for (int k = 0; k < pairs; k++) {
            xs[k] = ctx.input32(2 * k).data;
            ws[k] = ctx.input32(2 * k + 1).data;
            inner[k] = ctx.input32(2 * k).getColDim();
            dxs[k] = ctx.needsGrad(2 * k) ? ctx.inputGrad32(2 * k).data : null;
            dws[k] = ctx.needsGrad(2 * k + 1) ? ctx.inputGrad32(2 * k + 1).data : null;
            packed[k] = dxs[k] != null ? ctx.packedInput(2 * k + 1, true, m) : null;
        }
        float[] db = ctx.needsGrad(2 * pairs) ? ctx.inputGrad32(2 * pairs).data : null;
        float[] gd = g.data;
        for (int k = 0; k < pairs; k++) {
            if (dws[k] != null && ctx.gradientDeferrable(2 * k + 1)) {   // queued (but for a share kept), off the chain of steps
                WeightGradients.accumulate(ctx, gemm, inner[k], n, m, xs[k], gd, dws[k]);
                dws[k] = null;
            }
        }
        boolean biasQueued = db != null && ctx.gradientDeferrable(2 * pairs);
        if (biasQueued) {
            ctx.deferGradient(() -> activations.addColumnSums(gd, db, m, 0, n));
        }
        float[] dbNow = biasQueued ? null : db;
        int panel = panelColumns(gemm, ctx.dtype());
        SplitWork.shares(threads(gemm), 2 * forwardWork(m, n, inner), (index, shares) -> {
            int from = SplitWork.start(n, index, shares, panel);
            int to = SplitWork.start(n, index + 1, shares, panel);
            for (int k = 0; k < pairs; k++) {
                if (dxs[k] != null) {
                    product(gemm, false, true, m, inner[k], n, gd, ws[k], packed[k], dxs[k], true,
                            SplitWork.start(inner[k], index, shares, panel), SplitWork.start(inner[k], index + 1, shares, panel));
                }
                if (dws[k] != null) {
                    product(gemm, true, false, inner[k], n, m, xs[k], gd, null, dws[k], true, from, to);
                }
            }
            if (dbNow != null) {
                activations.addColumnSums(gd, dbNow, m, from, to);
            }
        });
    }

    /** The product rule's non-zero pairs as one affine op again (a zero bias tangent when the bias has none). */
    @Override
    public <V> V tangent(TangentContext<V> ctx) {
        java.util.List<V> terms = new java.util.ArrayList<>(4 * pairs + 1);
        for (int k = 0; k < pairs; k++) {
            V dx = ctx.tangent(2 * k);
            V dw = ctx.tangent(2 * k + 1);
            if (dx != null) {
                terms.add(dx);
                terms.add(ctx.input(2 * k + 1));
            }
            if (dw != null) {
                terms.add(ctx.input(2 * k));
                terms.add(dw);
            }
        }
        V db = ctx.tangent(2 * pairs);
        if (terms.isEmpty()) {
            return db == null ? null : TangentTerms.broadcastTo(ctx, db, ctx.shape(ctx.output()));
        }
        terms.add(db != null ? db : ctx.zeros(ctx.shape(ctx.input(2 * pairs))));
        @SuppressWarnings("unchecked")
        V[] inputs = terms.toArray((V[]) new Object[0]);
        return ctx.apply(new Affine(terms.size() / 2), inputs);
    }
}

