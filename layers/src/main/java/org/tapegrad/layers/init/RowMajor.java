package org.tapegrad.layers.init;

import java.util.function.DoubleSupplier;

import org.ojalgo.matrix.store.R064Store;

/** Fills a column-major store from a sequence of values taken in row-major order. */
final class RowMajor {

    private RowMajor() {
    }

    static void fill(R064Store target, DoubleSupplier values) {
        int rows = target.getRowDim();
        int cols = target.getColDim();
        double[] data = target.data;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                data[i + j * rows] = values.getAsDouble();
            }
        }
    }
}
