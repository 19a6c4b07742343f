package org.tapegrad.layers.io;

import java.util.Arrays;
import java.util.Objects;

import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Layout;

/**
 * An immutable dense tensor of a weight file, of any rank, values held as doubles in row-major order, with the
 * element type it has (or will have) on disk. The engine's values are 2-D, so a tensor is seen as the matrix of its
 * leading dimensions by its last ({@link #rows()}, {@link #cols()}, {@link #toStore()}): {@code [n]} as {@code 1×n}
 * (it loads into a bias of shape {@code 1×n}), {@code [r, c]} as {@code r×c}, {@code [T, B, I]} as {@code (T·B)×I}
 * (a time-major sequence, see {@code SequenceLayout}), a scalar {@code []} as {@code 1×1}. {@link #reshape} gives
 * another view of the same values, {@link #values()} the flat array; the rank is kept so that a tensor is written
 * back as it was read.
 *
 * <p>An F32 tensor read from a file, or taken from a float32 matrix with {@link #ofFloat32}, holds its values as
 * floats: a float32 model is read and written without a detour through double. Every other tensor holds doubles.
 *
 * <p>Equality compares dtype, shape and every value bit for bit ({@code NaN} equals {@code NaN}, {@code 0.0} differs
 * from {@code −0.0}).
 */
public final class WeightTensor {

    private final DType dtype;
    private final int[] shape;
    private final double[] data;   // null when the values are floats
    private final float[] floats;  // non-null only for a float-backed F32 tensor

    private WeightTensor(DType dtype, int[] shape, double[] data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape;
        this.data = data;
        this.floats = null;
    }

    private WeightTensor(int[] shape, float[] floats) {
        this.dtype = DType.F32;
        this.shape = shape;
        this.data = null;
        this.floats = floats;
    }

    /** Used by the reader for an F32 tensor: the floats as the file has them. */
    static WeightTensor wrap32(int[] shape, float[] floats) {
        return new WeightTensor(shape, floats);
    }

    /**
     * A 2-D F32 tensor {@code [rows, cols]} holding a float copy of {@code matrix}: exact for a float32 matrix (a
     * float32 parameter's value), rounded to nearest for any other.
     */
    public static WeightTensor ofFloat32(MatrixStore<Double> matrix) {
        int rows = Math.toIntExact(matrix.countRows());
        int cols = Math.toIntExact(matrix.countColumns());
        return new WeightTensor(checkedShape(rows, cols), Layout.toRowMajorFlatFloat(matrix));
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

    /** An F64 tensor of {@code shape} holding a copy of the row-major {@code values}. */
    public static WeightTensor of(int[] shape, double... values) {
        return new WeightTensor(DType.F64, new int[] {values.length}, values.clone()).reshape(shape);
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
        if (newDtype == dtype) {
            return this;
        }
        return new WeightTensor(newDtype, shape, floats != null ? values() : data);
    }

    public DType dtype() {
        return dtype;
    }

    /** The number of dimensions (0 for a scalar). */
    public int rank() {
        return shape.length;
    }

    /** The shape as stored, e.g. {@code [n]}, {@code [rows, cols]} or {@code [T, B, I]} (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Rows of the matrix view: the product of all dimensions but the last (1 for rank 0 and 1). */
    public int rows() {
        return shape.length == 0 ? 1 : size() / shape[shape.length - 1];
    }

    /** Columns of the matrix view: the last dimension (1 for a scalar). */
    public int cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** The values in row-major order (a copy). */
    public double[] values() {
        if (floats != null) {
            double[] wide = new double[floats.length];
            for (int k = 0; k < wide.length; k++) {
                wide[k] = floats[k];
            }
            return wide;
        }
        return data.clone();
    }

    /**
     * The same values seen with another shape of as many elements, e.g. {@code [T·B, I]} of a {@code [T, B, I]}
     * tensor.
     *
     * @throws IllegalArgumentException if the element counts differ or a dimension is below 1
     */
    public WeightTensor reshape(int... newShape) {
        long n = 1;
        for (int d : newShape) {
            if (d < 1) {
                throw new IllegalArgumentException("reshape: dimension " + d + " in " + Arrays.toString(newShape) + "; every dimension must be >= 1");
            }
            n *= d;
        }
        if (n != size()) {
            throw new IllegalArgumentException("reshape: " + shapeString() + " has " + size() + " elements, " + Arrays.toString(newShape) + " would have " + n);
        }
        return floats != null ? new WeightTensor(newShape.clone(), floats) : new WeightTensor(dtype, newShape.clone(), data);
    }

    /** Number of elements. */
    public int size() {
        return floats != null ? floats.length : data.length;
    }

    /** Element (i, j) of the matrix view. */
    public double get(int i, int j) {
        Objects.checkIndex(i, rows());
        Objects.checkIndex(j, cols());
        return flat(i * cols() + j);
    }

    /** Element k in row-major order. */
    double flat(int k) {
        return floats != null ? floats[k] : data[k];
    }

    /** Element k as the float written to an F32 file: exact for a float-backed tensor, rounded otherwise. */
    float flat32(int k) {
        return floats != null ? floats[k] : (float) data[k];
    }

    /** A new {@code rows() × cols()} matrix holding the values. */
    public MatrixStore<Double> toStore() {
        return floats != null ? Layout.matrix(rows(), cols(), floats) : Layout.matrix(rows(), cols(), data);
    }

    /** The shape as a safetensors-style string, e.g. {@code [3, 4]}. */
    String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WeightTensor t) || dtype != t.dtype || !Arrays.equals(shape, t.shape)) {
            return false;
        }
        if (floats == null && t.floats == null) {
            return Arrays.equals(data, t.data);
        }
        for (int k = 0; k < size(); k++) {
            if (Double.doubleToLongBits(flat(k)) != Double.doubleToLongBits(t.flat(k))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(floats != null ? values() : data));
    }

    @Override
    public String toString() {
        return "WeightTensor " + dtype + " " + shapeString();
    }
}
