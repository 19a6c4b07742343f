package org.tapegrad.fuse;

/**
 * Where a value of a fused step lives: {@code rows×cols} column-major elements from {@code offset} of a buffer.
 * Columns are contiguous in column-major storage, so a column slice of any value is again a {@code Ref} into the same
 * buffer: slices are views, never copies.
 */
record Ref(Buffer buffer, int offset, int rows, int cols) {

    int size() {
        return rows * cols;
    }

    /** Columns {@code [from, to)} of this value, as a view. */
    Ref columns(int from, int to) {
        return new Ref(buffer, offset + from * rows, rows, to - from);
    }

    /** Whether this is the whole of its buffer (what a product's operand must be). */
    boolean isWholeBuffer() {
        return offset == 0 && size() == buffer.size();
    }
}
