package org.tapegrad.op;

/**
 * The shape of a dense 2-D value: {@code rows × cols}. A row vector is {@code 1×n}, a scalar {@code 1×1}.
 *
 * @param rows number of rows, at least 1
 * @param cols number of columns, at least 1
 */
public record Shape(int rows, int cols) {

    /** The most elements one value may hold: one Java array. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    public Shape {
        if (rows < 1 || cols < 1) {
            throw new ShapeException("shape must be at least 1×1, got " + rows + "×" + cols);
        }
    }

    public static Shape of(int rows, int cols) {
        return new Shape(rows, cols);
    }

    /** Number of elements, {@code rows·cols}, computed without overflow. */
    public long elements() {
        return (long) rows * cols;
    }

    /** Number of elements as an int; only call it on shapes that {@link #fitsInOneArray()}. */
    public int size() {
        return Math.toIntExact(elements());
    }

    /** Whether a value of this shape fits into one array ({@value #MAX_ELEMENTS} elements at most). */
    public boolean fitsInOneArray() {
        return elements() <= MAX_ELEMENTS;
    }

    public boolean isScalar() {
        return rows == 1 && cols == 1;
    }

    @Override
    public String toString() {
        return "[" + rows + "×" + cols + "]";
    }
}
