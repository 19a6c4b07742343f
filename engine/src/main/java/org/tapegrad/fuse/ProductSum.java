package org.tapegrad.fuse;

import org.tapegrad.kernel.Kernels;

/** {@code y = a⊙b + c⊙d} over four regions of one shape; {@code ā += ȳ⊙b, b̄ += ȳ⊙a, c̄ += ȳ⊙d, d̄ += ȳ⊙c}. */
final class ProductSum extends Instruction {

    private final Ref[] operands;
    private final Ref y;
    /**
     * The four gradients in one loop (when all are wanted): safe when element i of the loop touches element i of each
     * region only (operands equal or disjoint, the result apart from all), so every element gets the same additions
     * in the same order as with a loop per operand.
     */
    private final boolean oneLoop;

    ProductSum(Ref a, Ref b, Ref c, Ref d, Ref y) {
        this(a, b, c, d, y, true);
    }

    /** {@code fuseLoops} false: a loop per operand always (tests compare the two). */
    ProductSum(Ref a, Ref b, Ref c, Ref d, Ref y, boolean fuseLoops) {
        this.operands = new Ref[] {a, b, c, d};
        this.y = y;
        boolean safe = fuseLoops;
        for (int k = 0; k < 4; k++) {
            safe &= !ColumnRun.overlaps(y, operands[k]);
            for (int l = k + 1; l < 4; l++) {
                safe &= ColumnRun.compatible(operands[k], operands[l]);
            }
        }
        this.oneLoop = safe;
    }

    @Override
    void forward(double[][] values, Kernels kernels) {
        forward(values, kernels, 0, y.cols());
    }

    @Override
    void forward(double[][] values, Kernels kernels, int from, int to) {
        int shift = from * y.rows();
        int count = (to - from) * y.rows();
        double[] a = array(values, operands[0]);
        double[] b = array(values, operands[1]);
        double[] c = array(values, operands[2]);
        double[] d = array(values, operands[3]);
        double[] ys = array(values, y);
        int ao = operands[0].offset() + shift;
        int bo = operands[1].offset() + shift;
        int co = operands[2].offset() + shift;
        int dof = operands[3].offset() + shift;
        int yo = y.offset() + shift;
        kernels.activations().productSum(a, ao, b, bo, c, co, d, dof, ys, yo, count);
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels) {
        backward(values, grads, kernels, 0, y.cols());
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels, int from, int to) {
        int shift = from * y.rows();
        int count = (to - from) * y.rows();
        double[] g = array(grads, y);
        int yo = y.offset() + shift;
        double[] ta = array(grads, operands[0]);
        double[] tb = array(grads, operands[1]);
        double[] tc = array(grads, operands[2]);
        double[] td = array(grads, operands[3]);
        if (oneLoop && ta != null && tb != null && tc != null && td != null) {
            double[] a = array(values, operands[0]);
            double[] b = array(values, operands[1]);
            double[] c = array(values, operands[2]);
            double[] d = array(values, operands[3]);
            int ao = operands[0].offset() + shift;
            int bo = operands[1].offset() + shift;
            int co = operands[2].offset() + shift;
            int dof = operands[3].offset() + shift;
            // Two passes, (ā, b̄) then (c̄, d̄): every element still gets its additions in the order ā, b̄, c̄, d̄.
            kernels.activations().multiplyGradients(g, yo, a, ao, b, bo, ta, ao, tb, bo, count);
            kernels.activations().multiplyGradients(g, yo, c, co, d, dof, tc, co, td, dof, count);
            return;
        }
        for (int k = 0; k < 4; k++) {
            double[] target = array(grads, operands[k]);
            if (target == null) {
                continue;
            }
            Ref partnerRef = operands[k ^ 1];
            double[] partner = array(values, partnerRef);
            int t0 = operands[k].offset() + shift;
            int po = partnerRef.offset() + shift;
            kernels.activations().addProduct(g, yo, partner, po, target, t0, count);
        }
    }

    @Override
    void forward32(float[][] values, Kernels kernels) {
        forward32(values, kernels, 0, y.cols());
    }

    @Override
    void forward32(float[][] values, Kernels kernels, int from, int to) {
        int shift = from * y.rows();
        int count = (to - from) * y.rows();
        float[] a = array(values, operands[0]);
        float[] b = array(values, operands[1]);
        float[] c = array(values, operands[2]);
        float[] d = array(values, operands[3]);
        float[] ys = array(values, y);
        int ao = operands[0].offset() + shift;
        int bo = operands[1].offset() + shift;
        int co = operands[2].offset() + shift;
        int dof = operands[3].offset() + shift;
        int yo = y.offset() + shift;
        kernels.activations().productSum(a, ao, b, bo, c, co, d, dof, ys, yo, count);
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels) {
        backward32(values, grads, kernels, 0, y.cols());
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels, int from, int to) {
        int shift = from * y.rows();
        int count = (to - from) * y.rows();
        float[] g = array(grads, y);
        int yo = y.offset() + shift;
        float[] ta = array(grads, operands[0]);
        float[] tb = array(grads, operands[1]);
        float[] tc = array(grads, operands[2]);
        float[] td = array(grads, operands[3]);
        if (oneLoop && ta != null && tb != null && tc != null && td != null) {
            float[] a = array(values, operands[0]);
            float[] b = array(values, operands[1]);
            float[] c = array(values, operands[2]);
            float[] d = array(values, operands[3]);
            int ao = operands[0].offset() + shift;
            int bo = operands[1].offset() + shift;
            int co = operands[2].offset() + shift;
            int dof = operands[3].offset() + shift;
            // Two passes, (ā, b̄) then (c̄, d̄): every element still gets its additions in the order ā, b̄, c̄, d̄.
            kernels.activations().multiplyGradients(g, yo, a, ao, b, bo, ta, ao, tb, bo, count);
            kernels.activations().multiplyGradients(g, yo, c, co, d, dof, tc, co, td, dof, count);
            return;
        }
        for (int k = 0; k < 4; k++) {
            float[] target = array(grads, operands[k]);
            if (target == null) {
                continue;
            }
            Ref partnerRef = operands[k ^ 1];
            float[] partner = array(values, partnerRef);
            int t0 = operands[k].offset() + shift;
            int po = partnerRef.offset() + shift;
            kernels.activations().addProduct(g, yo, partner, po, target, t0, count);
        }
    }

    @Override
    int splitColumns() {
        return y.cols();
    }

    @Override
    Ref[] regions() {
        return new Ref[] {operands[0], operands[1], operands[2], operands[3], y};
    }

    @Override
    String describe() {
        return "product_sum " + y.rows() + "×" + y.cols();
    }
}
