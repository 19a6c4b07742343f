package org.tapegrad.layers.init;

import java.util.function.DoubleSupplier;

import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.Layout;

/** Matrices built from a sequence of values taken in row-major order, the order every initializer draws in. */
final class RowMajor {

    private RowMajor() {
    }

    /** The matrix whose elements (0,0), (0,1), …, (1,0), … are the next {@code rows·cols} values of {@code values}. */
    static MatrixStore<Double> draw(Shape shape, DoubleSupplier values) {
        double[] rowMajor = new double[shape.size()];
        for (int k = 0; k < rowMajor.length; k++) {
            rowMajor[k] = values.getAsDouble();
        }
        return Layout.matrix(shape.rows(), shape.cols(), rowMajor);
    }
}
