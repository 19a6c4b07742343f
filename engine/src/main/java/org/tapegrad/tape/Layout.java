package org.tapegrad.tape;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.PhysicalStore;
import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.op.Shape;
import org.tapegrad.op.ShapeException;

/**
 * The one place that converts between row-major arrays (how people, files and PyTorch write a matrix: element
 * {@code (i, j)} at {@code [i][j]} or {@code i·cols + j}) and the engine's column-major stores (element
 * {@code (i, j)} at {@code i + j·rows}). Weight files, initializers and the examples go through it, so a second
 * element type changes the engine's storage here and nowhere else.
 */
public final class Layout {

    private Layout() {
    }

    /**
     * The shape of a rectangular row-major array.
     *
     * @throws IllegalArgumentException for an empty or ragged array, naming the offending row
     */
    public static Shape shapeOf(double[][] rowMajor) {
        if (rowMajor == null || rowMajor.length == 0 || rowMajor[0] == null || rowMajor[0].length == 0) {
            throw new IllegalArgumentException("matrix must have at least one row and one column");
        }
        int cols = rowMajor[0].length;
        for (int i = 1; i < rowMajor.length; i++) {
            if (rowMajor[i] == null || rowMajor[i].length != cols) {
                throw new IllegalArgumentException("ragged matrix: row 0 has " + cols + " columns, row " + i + " has " + (rowMajor[i] == null ? "none" : rowMajor[i].length));
            }
        }
        return new Shape(rowMajor.length, cols);
    }

    /** A new matrix holding a copy of a row-major array. */
    public static MatrixStore<Double> matrix(double[][] rowMajor) {
        Shape s = shapeOf(rowMajor);
        R064Store store = R064Store.FACTORY.make(s.rows(), s.cols());
        copy(rowMajor, store);
        return store;
    }

    /**
     * A new {@code rows×cols} matrix holding a copy of a flat row-major array (a tensor as a file stores it).
     *
     * @throws IllegalArgumentException when the length is not {@code rows·cols}
     */
    public static MatrixStore<Double> matrix(int rows, int cols, double[] rowMajor) {
        Shape s = ShapeException.requireFits("matrix", new Shape(rows, cols));
        if (rowMajor.length != s.elements()) {
            throw new IllegalArgumentException("matrix: " + rowMajor.length + " values for " + s + " (expected " + s.elements() + ")");
        }
        R064Store store = R064Store.FACTORY.make(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                store.data[i + j * rows] = rowMajor[i * cols + j];
            }
        }
        return store;
    }

    /**
     * A new float32 {@code rows×cols} matrix holding a copy of a flat row-major float array (an {@code F32} tensor as a
     * file stores it), with no detour through double.
     *
     * @throws IllegalArgumentException when the length is not {@code rows·cols}
     */
    public static R032Store matrix(int rows, int cols, float[] rowMajor) {
        Shape s = ShapeException.requireFits("matrix", new Shape(rows, cols));
        if (rowMajor.length != s.elements()) {
            throw new IllegalArgumentException("matrix: " + rowMajor.length + " values for " + s + " (expected " + s.elements() + ")");
        }
        R032Store store = R032Store.FACTORY.make(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                store.data[i + j * rows] = rowMajor[i * cols + j];
            }
        }
        return store;
    }

    /**
     * A flat row-major float copy of a matrix: exact for a float32 matrix (no detour through double), rounded for
     * any other.
     */
    public static float[] toRowMajorFlatFloat(MatrixStore<Double> m) {
        int rows = Math.toIntExact(m.countRows());
        int cols = Math.toIntExact(m.countColumns());
        float[] out = new float[rows * cols];
        if (m instanceof R032Store && ((R032Store) m).getRowDim() == rows) {
            float[] d = ((R032Store) m).data;
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    out[i * cols + j] = d[i + j * rows];
                }
            }
            return out;
        }
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out[i * cols + j] = (float) m.doubleValue(i, j);
            }
        }
        return out;
    }

    /** A row-major copy of any matrix. */
    public static double[][] toRowMajor(MatrixStore<Double> m) {
        int rows = Math.toIntExact(m.countRows());
        int cols = Math.toIntExact(m.countColumns());
        double[][] out = new double[rows][cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out[i][j] = m.doubleValue(i, j);
            }
        }
        return out;
    }

    /** A flat row-major copy of any matrix: element {@code (i, j)} at {@code i·cols + j}. */
    public static double[] toRowMajorFlat(MatrixStore<Double> m) {
        int rows = Math.toIntExact(m.countRows());
        int cols = Math.toIntExact(m.countColumns());
        double[] out = new double[rows * cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out[i * cols + j] = m.doubleValue(i, j);
            }
        }
        return out;
    }

    /** The row of the element at position {@code index} of a value's storage order (as seen by an update). */
    public static int rowOf(int index, Shape shape) {
        return index % shape.rows();
    }

    /** The column of the element at position {@code index} of a value's storage order (as seen by an update). */
    public static int columnOf(int index, Shape shape) {
        return index / shape.rows();
    }

    /** Copies a row-major array of the store's shape into it. */
    static void copy(double[][] rowMajor, PhysicalStore<Double> dst) {
        int rows = rowMajor.length;
        if (dst instanceof R032Store) {
            float[] d = ((R032Store) dst).data;
            for (int i = 0; i < rows; i++) {
                double[] r = rowMajor[i];
                for (int j = 0; j < r.length; j++) {
                    d[i + j * rows] = (float) r[j];
                }
            }
            return;
        }
        R064Store r64 = (R064Store) dst;
        for (int i = 0; i < rows; i++) {
            double[] r = rowMajor[i];
            for (int j = 0; j < r.length; j++) {
                r64.data[i + j * rows] = r[j];
            }
        }
    }
}
