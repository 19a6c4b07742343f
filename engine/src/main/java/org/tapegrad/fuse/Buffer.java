package org.tapegrad.fuse;

/**
 * One array of a fused step's buffer table: an input's value, the packed output, the arena the element-wise values
 * share, or a value a product needs whole (the kernels take arrays without offsets). Its {@link #index} is fixed when
 * the program is finished.
 */
final class Buffer {

    enum Kind { INPUT, OUTPUT, ARENA, OWN }

    final Kind kind;
    final int rows;
    int cols;
    int index = -1;

    Buffer(Kind kind, int rows, int cols) {
        this.kind = kind;
        this.rows = rows;
        this.cols = cols;
    }

    int size() {
        return rows * cols;
    }
}
