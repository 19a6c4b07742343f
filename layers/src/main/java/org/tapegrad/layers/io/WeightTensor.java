package org.tapegrad.layers.io;

import java.util.Arrays;
import java.util.Objects;

import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.tape.Layout;

/**
 * An immutable dense tensor of a weight file: 1-D {@code [n]} or 2-D {@code [rows, cols]}, values held as doubles in
 * row-major order, with the element type it has (or will have) on disk. A 1-D tensor {@code [n]} is viewed as a
 * {@code 1 × n} row vector by {@link #rows()}, {@link #cols()} and {@link #toStore()}, so it loads into a
 * tapegrad bias of shape {@code 1 × n}; its rank is kept so that it is written back as 1-D.
 *
 * <p>Equality compares dtype, shape and every value bit for bit ({@code NaN} equals {@code NaN}, {@code 0.0} differs
 * from {@code −0.0}).
 */
public final class WeightTensor {

    private final DType dtype;
    private final int[] shape;
    private final double[] data;

    private WeightTensor(DType dtype, int[] shape, double[] data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape;
        this.data = data;
    }

    /** Used by the reader, which has validated the shape and owns {@code data}. */
    static WeightTensor wrap(DType dtype, int[] shape, double[] data) {
        return new WeightTensor(dtype, shape, data);
    }

    /** A 2-D F64 tensor {@code [rows, cols]} holding a copy of {@code matrix}. */
    public static WeightTensor of(MatrixStore<Double> matrix) {
        int rows = Math.toIntExact(matrix.countRows());
        int cols = Math.toIntExact(matrix.countColumns());
        return new WeightTensor(DType.F64, checkedShape(rows, cols), Layout.toRowMajorFlat(matrix));
    }

    /** A 2-D F64 tensor holding a copy of a row-major array; all rows must have the same length. */
    public static WeightTensor of(double[][] rowMajor) {
        int rows = rowMajor.length;
        int cols = rows == 0 ? 0 : rowMajor[0].length;
        double[] data = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            if (rowMajor[i].length != cols) {
                throw new IllegalArgumentException("ragged array: row " + i + " has " + rowMajor[i].length
                        + " columns, row 0 has " + cols);
            }
            System.arraycopy(rowMajor[i], 0, data, i * cols, cols);
        }
        return new WeightTensor(DType.F64, checkedShape(rows, cols), data);
    }

    /** A 1-D F64 tensor {@code [n]} holding a copy of {@code values} ({@code n ≥ 1}). */
    public static WeightTensor vector(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a tensor needs at least one element");
        }
        return new WeightTensor(DType.F64, new int[] {values.length}, values.clone());
    }

    private static int[] checkedShape(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a tensor must be at least 1×1, got " + rows + "×" + cols);
        }
        return new int[] {rows, cols};
    }

    /** The same values with another on-disk element type (the values themselves are unchanged here). */
    public WeightTensor withDtype(DType newDtype) {
        return newDtype == dtype ? this : new WeightTensor(newDtype, shape, data);
    }

    public DType dtype() {
        return dtype;
    }

    /** 1 or 2. */
    public int rank() {
        return shape.length;
    }

    /** The shape as stored: {@code [n]} or {@code [rows, cols]} (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Rows of the matrix view: 1 for a 1-D tensor. */
    public int rows() {
        return shape.length == 1 ? 1 : shape[0];
    }

    /** Columns of the matrix view: n for a 1-D tensor {@code [n]}. */
    public int cols() {
        return shape[shape.length - 1];
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    /** Element (i, j) of the matrix view. */
    public double get(int i, int j) {
        Objects.checkIndex(i, rows());
        Objects.checkIndex(j, cols());
        return data[i * cols() + j];
    }

    /** Element k in row-major order. */
    double flat(int k) {
        return data[k];
    }

    /** A new {@code rows() × cols()} matrix holding the values. */
    public MatrixStore<Double> toStore() {
        return Layout.matrix(rows(), cols(), data);
    }

    /** The shape as a safetensors-style string, e.g. {@code [3, 4]}. */
    String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightTensor t && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "WeightTensor " + dtype + " " + shapeString();
    }
}
