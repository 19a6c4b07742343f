package org.tapegrad.layers.init;

import java.util.Random;

import org.ojalgo.matrix.decomposition.QR;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.op.Shape;

/**
 * {@code gain} times a random orthogonal matrix, as {@code torch.nn.init.orthogonal_}: fill an {@code m × n}
 * matrix G with standard normals (row-major draws), take the QR decomposition of G (or of Gᵀ when {@code m < n}),
 * flip each column of Q by the sign of the matching diagonal element of R — which makes the result Haar-distributed
 * instead of biased by the decomposition's sign convention — and transpose back if needed. Result: for
 * {@code m ≥ n} the columns are orthonormal (WᵀW = gain²·I_n); for {@code m < n} the rows are (WWᵀ = gain²·I_m).
 * Uses ojAlgo's Householder {@code QR.R064}, which is deterministic, so the result depends on the seed only.
 */
public record OrthogonalInit(double gain) implements Initializer {

    public OrthogonalInit {
        if (!(gain > 0) || !Double.isFinite(gain)) {
            throw new IllegalArgumentException("orthogonal initializer needs a finite gain > 0, got " + gain);
        }
    }

    @Override
    public MatrixStore<Double> values(Shape shape, Random random) {
        int rows = shape.rows();
        int cols = shape.cols();
        boolean wide = rows < cols;
        // Draw in row-major order of the target, then decompose the tall orientation.
        MatrixStore<Double> gaussian = RowMajor.draw(shape, random::nextGaussian);
        R064Store tall = R064Store.FACTORY.copy(wide ? gaussian.transpose() : gaussian);
        int k = Math.min(rows, cols);

        QR<Double> qr = QR.R064.make(tall);
        if (!qr.decompose(tall)) {
            throw new IllegalStateException("QR decomposition failed for a " + rows + "×" + cols + " Gaussian matrix");
        }
        MatrixStore<Double> q = qr.getQ();
        MatrixStore<Double> r = qr.getR();
        R064Store target = R064Store.FACTORY.make(rows, cols);
        int tallRows = Math.max(rows, cols);
        for (int j = 0; j < k; j++) {
            double sign = r.doubleValue(j, j) < 0 ? -gain : gain;
            for (int i = 0; i < tallRows; i++) {
                double v = sign * q.doubleValue(i, j);
                if (wide) {
                    target.set(j, i, v);
                } else {
                    target.set(i, j, v);
                }
            }
        }
        return target;
    }
}
