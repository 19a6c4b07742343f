package org.tapegrad.op;

import org.tapegrad.kernel.ColumnRangeGemm;
import org.tapegrad.kernel.GemmKernel;

/**
 * The accumulation of a weight gradient {@code W̄ += Aᵀ·Ȳ} into a deferrable buffer ({@link OpContext#gradientDeferrable}),
 * shared between the thread of the gradient pass and the worker that runs its deferred work: the first
 * {@link OpContext#keptGradientColumns} columns now, on this thread, the rest deferred. A column of a product is the
 * same sum whichever thread computes it and whatever range it is computed in, and the split is fixed for the whole
 * pass, so each column receives its additions on one thread in the pass's order: the bits do not depend on the split.
 * With a kernel that cannot compute a range of columns, all of it is deferred.
 */
public final class WeightGradients {

    private WeightGradients() {
    }

    /** {@code dw (inner×n) += aᵀ·g}, {@code a} m×inner, {@code g} m×n; {@code g} and {@code a} must stay valid until the deferred part has run. */
    public static void accumulate(OpContext ctx, GemmKernel gemm, int inner, int n, int m, double[] a, double[] g, double[] dw) {
        int kept = kept(ctx, gemm, n);
        if (kept > 0) {
            ((ColumnRangeGemm) gemm).gemmColumns(true, false, inner, n, m, a, g, dw, true, 0, kept);
        }
        if (kept == 0) {
            ctx.deferGradient(() -> gemm.gemm(true, false, inner, n, m, a, g, dw, true));
        } else if (kept < n) {
            ColumnRangeGemm ranges = (ColumnRangeGemm) gemm;
            ctx.deferGradient(() -> ranges.gemmColumns(true, false, inner, n, m, a, g, dw, true, kept, n));
        }
    }

    /** The float32 form of {@link #accumulate(OpContext, GemmKernel, int, int, int, double[], double[], double[])}. */
    public static void accumulate(OpContext ctx, GemmKernel gemm, int inner, int n, int m, float[] a, float[] g, float[] dw) {
        int kept = kept(ctx, gemm, n);
        if (kept > 0) {
            ((ColumnRangeGemm) gemm).gemmColumns(true, false, inner, n, m, a, g, dw, true, 0, kept);
        }
        if (kept == 0) {
            ctx.deferGradient(() -> gemm.gemm(true, false, inner, n, m, a, g, dw, true));
        } else if (kept < n) {
            ColumnRangeGemm ranges = (ColumnRangeGemm) gemm;
            ctx.deferGradient(() -> ranges.gemmColumns(true, false, inner, n, m, a, g, dw, true, kept, n));
        }
    }

    /** The columns this thread computes now: none when the kernel cannot compute a range of them. */
    private static int kept(OpContext ctx, GemmKernel gemm, int n) {
        return gemm instanceof ColumnRangeGemm ? Math.min(n, ctx.keptGradientColumns(n)) : 0;
    }
}
