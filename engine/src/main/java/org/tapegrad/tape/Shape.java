package org.tapegrad.tape;

/**
 * The shape of a dense 2-D value: {@code rows × cols}. A row vector is {@code 1×n}, a scalar {@code 1×1}.
 *
 * @param rows number of rows, at least 1
 * @param cols number of columns, at least 1
 */
public record Shape(int rows, int cols) {

    public Shape {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("shape must be at least 1×1, got " + rows + "×" + cols);
        }
    }

    public static Shape of(int rows, int cols) {
        return new Shape(rows, cols);
    }

    /** Number of elements, {@code rows·cols}. */
    public int size() {
        return rows * cols;
    }

    public boolean isScalar() {
        return rows == 1 && cols == 1;
    }

    @Override
    public String toString() {
        return "[" + rows + "×" + cols + "]";
    }
}
