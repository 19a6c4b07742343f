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
        forward(values, kernels, 0, src.cols());
    }

    @Override
    void forward(double[][] values, Kernels kernels, int from, int to) {
        int m = src.rows();
        System.arraycopy(array(values, src), src.offset() + from * m, array(values, dst), dst.offset() + from * m, (to - from) * m);
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels) {
        backward(values, grads, kernels, 0, src.cols());
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels, int from, int to) {
        double[] ds = array(grads, src);
        if (ds == null) {
            return;
        }
        double[] g = array(grads, dst);
        int m = src.rows();
        int so = src.offset() + from * m;
        int d0 = dst.offset() + from * m;
        for (int i = 0, n = (to - from) * m; i < n; i++) {
            ds[so + i] += g[d0 + i];
        }
    }

    @Override
    void forward32(float[][] values, Kernels kernels) {
        forward32(values, kernels, 0, src.cols());
    }

    @Override
    void forward32(float[][] values, Kernels kernels, int from, int to) {
        int m = src.rows();
        System.arraycopy(array(values, src), src.offset() + from * m, array(values, dst), dst.offset() + from * m, (to - from) * m);
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels) {
        backward32(values, grads, kernels, 0, src.cols());
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels, int from, int to) {
        float[] ds = array(grads, src);
        if (ds == null) {
            return;
        }
        float[] g = array(grads, dst);
        int m = src.rows();
        int so = src.offset() + from * m;
        int d0 = dst.offset() + from * m;
        for (int i = 0, n = (to - from) * m; i < n; i++) {
            ds[so + i] += g[d0 + i];
        }
    }

    @Override
    int splitColumns() {
        return src.cols();
    }

    @Override
    Ref[] regions() {
        return new Ref[] {src, dst};
    }

    @Override
    String describe() {
        return "copy " + src.rows() + "×" + src.cols();
    }
}
