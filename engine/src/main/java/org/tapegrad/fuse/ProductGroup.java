package org.tapegrad.fuse;

import org.tapegrad.kernel.ActivationKernel;
import org.tapegrad.kernel.GemmKernel;
import org.tapegrad.kernel.PackedOperand;
import org.tapegrad.op.OpContext;
import org.tapegrad.op.WeightGradients;

import org.tapegrad.kernel.Kernels;

/**
 * {@code Y = Σ_k A_k·W_k + Σ_l b_l}: the products of several gates that share their left operands, each {@code W_k} the
 * gates' weights side by side and each {@code b_l} their biases side by side (any number, also none); the gates are column views of Y.
 * VJP: {@code Ā_k += Ȳ·W_kᵀ, W̄_k += A_kᵀ·Ȳ, b̄_l += Σ_rows Ȳ}. Every operand is a whole buffer.
 */
final class ProductGroup extends Instruction {

    private final Ref[] left;
    private final Ref[] weights;
    private final Ref[] biases;
    private final Ref y;

    ProductGroup(Ref[] left, Ref[] weights, Ref[] biases, Ref y) {
        this.left = left;
        this.weights = weights;
        this.biases = biases;
        this.y = y;
    }

    /** The step's inputs as packed right operands ({@link OpContext#packedInput}), by buffer index; null where none. */
    @FunctionalInterface
    interface PackedInputs {
        PackedInputs NONE = (buffer, transposed, rows) -> null;

        PackedOperand of(int buffer, boolean transposed, int rows);
    }

    @Override
    void forward(double[][] values, Kernels kernels) {
        forward(values, kernels, PackedInputs.NONE);
    }

    /** The forward, each weight that is a step input read from its packed panels when {@code packed} has them. */
    void forward(double[][] values, Kernels kernels, PackedInputs packed) {
        int m = y.rows();
        int n = y.cols();
        double[] out = array(values, y);
        for (int k = 0; k < left.length; k++) {
            product(kernels.gemm(), false, m, n, left[k].cols(), array(values, left[k]), array(values, weights[k]),
                    packed.of(weights[k].buffer().index, false, m), out, k > 0);
        }
        for (Ref bias : biases) {
            kernels.activations().addToEveryRow(array(values, bias), out, m, 0, n);
        }
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels) {
        backwardQueued(values, grads, kernels, null, null, PackedInputs.NONE);
    }

    @Override
    void forward32(float[][] values, Kernels kernels) {
        forward32(values, kernels, PackedInputs.NONE);
    }

    /** The float32 form of {@link #forward(double[][], Kernels, PackedInputs)}. */
    void forward32(float[][] values, Kernels kernels, PackedInputs packed) {
        int m = y.rows();
        int n = y.cols();
        float[] out = array(values, y);
        for (int k = 0; k < left.length; k++) {
            product(kernels.gemm(), false, m, n, left[k].cols(), array(values, left[k]), array(values, weights[k]),
                    packed.of(weights[k].buffer().index, false, m), out, k > 0);
        }
        for (Ref bias : biases) {
            kernels.activations().addToEveryRow(array(values, bias), out, m, 0, n);
        }
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels) {
        backwardQueued32(values, grads, kernels, null, null, PackedInputs.NONE);
    }

    /** Marks the buffers this group uses as weights or biases in {@code weightUse}, every other operand in {@code otherUse}. */
    void markUses(boolean[] weightUse, boolean[] otherUse) {
        for (Ref w : weights) {
            weightUse[w.buffer().index] = true;
        }
        for (Ref b : biases) {
            weightUse[b.buffer().index] = true;
        }
        for (Ref a : left) {
            otherUse[a.buffer().index] = true;
        }
        otherUse[y.buffer().index] = true;
    }

    /**
     * The VJP, with the additions into the weights and biases marked in {@code queued} (step inputs by buffer index;
     * null: none, the plain {@link #backward(double[][], double[][], Kernels)}) handed to the pass's queue
     * ({@link OpContext#deferGradient}): they read a copy of {@code Ȳ} (the step's gradient buffers are reused by the
     * next step) and the step's values, which live until the tape is reset. Each buffer receives the same additions
     * in the same order as on one thread. {@code Ā_k += Ȳ·W_kᵀ} reads {@code W_kᵀ}'s panels where {@code packed} has
     * them.
     */
    void backwardQueued(double[][] values, double[][] grads, Kernels kernels, boolean[] queued, OpContext ctx, PackedInputs packed) {
        int m = y.rows();
        int n = y.cols();
        double[] g = array(grads, y);
        double[] copy = null;
        GemmKernel gemm = kernels.gemm();
        ActivationKernel activations = kernels.activations();
        for (int k = 0; k < left.length; k++) {
            int inner = left[k].cols();
            double[] da = array(grads, left[k]);
            if (da != null) {
                product(gemm, true, m, inner, n, g, array(values, weights[k]), packed.of(weights[k].buffer().index, true, m), da, true);
            }
            double[] dw = array(grads, weights[k]);
            if (dw == null) {
                continue;
            }
            double[] a = array(values, left[k]);
            if (isQueued(weights[k], queued)) {
                if (copy == null) {
                    copy = copyOf(g, m, n, ctx);
                }
                WeightGradients.accumulate(ctx, gemm, inner, n, m, a, copy, dw);
            } else {
                gemm.gemm(true, false, inner, n, m, a, g, dw, true);
            }
        }
        for (Ref bias : biases) {
            double[] db = array(grads, bias);
            if (db == null) {
                continue;
            }
            if (isQueued(bias, queued)) {
                if (copy == null) {
                    copy = copyOf(g, m, n, ctx);
                }
                double[] gq = copy;
                ctx.deferGradient(() -> activations.addColumnSums(gq, db, m, 0, n));
            } else {
                activations.addColumnSums(g, db, m, 0, n);
            }
        }
    }

    /** The float32 form of {@link #backwardQueued(double[][], double[][], Kernels, boolean[], OpContext, PackedInputs)}. */
    void backwardQueued32(float[][] values, float[][] grads, Kernels kernels, boolean[] queued, OpContext ctx, PackedInputs packed) {
        int m = y.rows();
        int n = y.cols();
        float[] g = array(grads, y);
        float[] copy = null;
        GemmKernel gemm = kernels.gemm();
        ActivationKernel activations = kernels.activations();
        for (int k = 0; k < left.length; k++) {
            int inner = left[k].cols();
            float[] da = array(grads, left[k]);
            if (da != null) {
                product(gemm, true, m, inner, n, g, array(values, weights[k]), packed.of(weights[k].buffer().index, true, m), da, true);
            }
            float[] dw = array(grads, weights[k]);
            if (dw == null) {
                continue;
            }
            float[] a = array(values, left[k]);
            if (isQueued(weights[k], queued)) {
                if (copy == null) {
                    copy = copyOf(g, m, n, ctx);
                }
                WeightGradients.accumulate(ctx, gemm, inner, n, m, a, copy, dw);
            } else {
                gemm.gemm(true, false, inner, n, m, a, g, dw, true);
            }
        }
        for (Ref bias : biases) {
            float[] db = array(grads, bias);
            if (db == null) {
                continue;
            }
            if (isQueued(bias, queued)) {
                if (copy == null) {
                    copy = copyOf(g, m, n, ctx);
                }
                float[] gq = copy;
                ctx.deferGradient(() -> activations.addColumnSums(gq, db, m, 0, n));
            } else {
                activations.addColumnSums(g, db, m, 0, n);
            }
        }
    }

    /** {@code C (+)= A·op(W)}, W's panels read from {@code packed} when not null: the same bits either way. */
    private static void product(GemmKernel gemm, boolean transW, int m, int n, int k, double[] a, double[] w, PackedOperand packed,
            double[] c, boolean accumulate) {
        if (packed != null) {
            gemm.gemm(false, m, n, k, a, packed, c, accumulate);
        } else {
            gemm.gemm(false, transW, m, n, k, a, w, c, accumulate);
        }
    }

    /** The float32 form of {@link #product(GemmKernel, boolean, int, int, int, double[], double[], PackedOperand, double[], boolean)}. */
    private static void product(GemmKernel gemm, boolean transW, int m, int n, int k, float[] a, float[] w, PackedOperand packed,
            float[] c, boolean accumulate) {
        if (packed != null) {
            gemm.gemm(false, m, n, k, a, packed, c, accumulate);
        } else {
            gemm.gemm(false, transW, m, n, k, a, w, c, accumulate);
        }
    }

    /** Whether {@code r} is a step input marked in {@code queued} (null: nothing is queued). */
    private static boolean isQueued(Ref r, boolean[] queued) {
        int b = r.buffer().index;
        return queued != null && b < queued.length && queued[b];
    }

    private static double[] copyOf(double[] g, int m, int n, OpContext ctx) {
        double[] c = ctx.scratch(m, n).data;
        System.arraycopy(g, 0, c, 0, m * n);
        return c;
    }

    private static float[] copyOf(float[] g, int m, int n, OpContext ctx) {
        float[] c = ctx.scratch32(m, n).data;
        System.arraycopy(g, 0, c, 0, m * n);
        return c;
    }

    @Override
    Ref[] operands() {
        Ref[] r = new Ref[left.length + weights.length + biases.length];
        System.arraycopy(left, 0, r, 0, left.length);
        System.arraycopy(weights, 0, r, left.length, weights.length);
        System.arraycopy(biases, 0, r, left.length + weights.length, biases.length);
        return r;
    }

    @Override
    String describe() {
        StringBuilder s = new StringBuilder("products ");
        for (int k = 0; k < left.length; k++) {
            s.append(k == 0 ? "" : " + ").append(left[k].rows()).append("×").append(left[k].cols()).append("·")
                    .append(weights[k].rows()).append("×").append(weights[k].cols());
        }
        return s.append(" + ").append(biases.length).append(" bias rows").toString();
    }
}
