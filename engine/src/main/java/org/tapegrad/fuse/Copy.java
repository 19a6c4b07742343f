package org.tapegrad.fuse;

import org.tapegrad.kernel.Kernels;

/**
 * {@code dst = src}; {@code src̄ += dst̄}. Only where a value must move: into the packed output, or into a whole
 * buffer for a product (the GEMM kernels take arrays without offsets).
 */
final class Copy extends Instruction {

    private final Ref src;
    private final Ref dst;

    Copy(Ref src, Ref dst) {
        this.src = src;
        this.dst = dst;
    }

    @Override
    void forward(double[][] values, Kernels kernels) {
        System.arraycopy(array(values, src), src.offset(), array(values, dst), dst.offset(), src.size());
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels) {
        double[] ds = array(grads, src);
        if (ds == null) {
            return;
        }
        double[] g = array(grads, dst);
        int so = src.offset();
        int d0 = dst.offset();
        for (int i = 0, n = src.size(); i < n; i++) {
            ds[so + i] += g[d0 + i];
        }
    }

    void forward32(float[][] values, Kernels kernels) {
        System.arraycopy(array(values, src), src.offset(), array(values, dst), dst.offset(), src.size());
    }

    void backward32(float[][] values, float[][] grads, Kernels kernels) {
        float[] ds = array(grads, src);
        if (ds == null) {
            return;
        }
        float[] g = array(grads, dst);
        int so = src.offset();
        int d0 = dst.offset();
        for (int i = 0, n = src.size(); i < n; i++) {
            ds[so + i] += g[d0 + i];
        }
    }

    @Override
    String describe() {
        return "copy " + src.rows() + "×" + src.cols();
    }
}
