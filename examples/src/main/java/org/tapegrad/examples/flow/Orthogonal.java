package org.tapegrad.examples.flow;

import java.util.Random;

import org.ojalgo.matrix.decomposition.QR;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * {@code gain ×} a random orthogonal square matrix (QR of a Gaussian matrix, columns sign-corrected by R's diagonal),
 * whose spectral norm is exactly {@code gain}.
 *
 * <p>Temporary: the layers module's {@code Initializer.orthogonal(gain)} replaces this once it is in main.
 */
final class Orthogonal {

    private Orthogonal() {
    }

    static void fill(R064Store target, double gain, Random random) {
        int n = target.getRowDim();
        if (target.getColDim() != n) {
            throw new IllegalArgumentException("orthogonal: a square matrix is needed, got " + n + "×" + target.getColDim());
        }
        R064Store g = R064Store.FACTORY.make(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                g.set(i, j, random.nextGaussian());
            }
        }
        QR<Double> qr = QR.R064.make(g);
        qr.decompose(g);
        MatrixStore<Double> q = qr.getQ();
        MatrixStore<Double> r = qr.getR();
        for (int j = 0; j < n; j++) {
            double s = r.doubleValue(j, j) < 0 ? -gain : gain;
            for (int i = 0; i < n; i++) {
                target.set(i, j, s * q.doubleValue(i, j));
            }
        }
    }
}
