package org.tapegrad.fuse;

import org.tapegrad.kernel.Kernels;

/** {@code y = a⊙b + c⊙d} over four regions of one shape; {@code ā += ȳ⊙b, b̄ += ȳ⊙a, c̄ += ȳ⊙d, d̄ += ȳ⊙c}. */
final class ProductSum extends Instruction {

    private final Ref[] operands;
    private final Ref y;

    ProductSum(Ref a, Ref b, Ref c, Ref d, Ref y) {
        this.operands = new Ref[] {a, b, c, d};
        this.y = y;
    }

    @Override
    void forward(double[][] values, Kernels kernels) {
        double[] a = array(values, operands[0]);
        double[] b = array(values, operands[1]);
        double[] c = array(values, operands[2]);
        double[] d = array(values, operands[3]);
        double[] ys = array(values, y);
        int ao = operands[0].offset();
        int bo = operands[1].offset();
        int co = operands[2].offset();
        int dof = operands[3].offset();
        int yo = y.offset();
        for (int i = 0, n = y.size(); i < n; i++) {
            ys[yo + i] = a[ao + i] * b[bo + i] + c[co + i] * d[dof + i];
        }
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels) {
        double[] g = array(grads, y);
        int yo = y.offset();
        for (int k = 0; k < 4; k++) {
            double[] target = array(grads, operands[k]);
            if (target == null) {
                continue;
            }
            Ref partnerRef = operands[k ^ 1];
            double[] partner = array(values, partnerRef);
            int to = operands[k].offset();
            int po = partnerRef.offset();
            for (int i = 0, n = y.size(); i < n; i++) {
                target[to + i] += g[yo + i] * partner[po + i];
            }
        }
    }

    void forward32(float[][] values, Kernels kernels) {
        float[] a = array(values, operands[0]);
        float[] b = array(values, operands[1]);
        float[] c = array(values, operands[2]);
        float[] d = array(values, operands[3]);
        float[] ys = array(values, y);
        int ao = operands[0].offset();
        int bo = operands[1].offset();
        int co = operands[2].offset();
        int dof = operands[3].offset();
        int yo = y.offset();
        for (int i = 0, n = y.size(); i < n; i++) {
            ys[yo + i] = a[ao + i] * b[bo + i] + c[co + i] * d[dof + i];
        }
    }

    void backward32(float[][] values, float[][] grads, Kernels kernels) {
        float[] g = array(grads, y);
        int yo = y.offset();
        for (int k = 0; k < 4; k++) {
            float[] target = array(grads, operands[k]);
            if (target == null) {
                continue;
            }
            Ref partnerRef = operands[k ^ 1];
            float[] partner = array(values, partnerRef);
            int to = operands[k].offset();
            int po = partnerRef.offset();
            for (int i = 0, n = y.size(); i < n; i++) {
                target[to + i] += g[yo + i] * partner[po + i];
            }
        }
    }

    @Override
    String describe() {
        return "product_sum " + y.rows() + "×" + y.cols();
    }
}
