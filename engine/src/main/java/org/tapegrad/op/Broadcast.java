package org.tapegrad.op;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.tape.Shape;
import org.tapegrad.tape.ShapeException;

/**
 * How the second operand of a binary element-wise op is stretched over the first ({@code m×n}): not at all, along
 * rows (a {@code 1×n} bias), along columns (an {@code m×1} per-row factor) or as a {@code 1×1} scalar.
 */
enum Broadcast {
    SAME, ROW, COLUMN, SCALAR;

    /** The broadcast that fits {@code b} onto {@code a}, or a {@link ShapeException} naming the op and both shapes. */
    static Broadcast of(String op, Shape a, Shape b) {
        if (a.equals(b)) {
            return SAME;
        }
        if (b.isScalar()) {
            return SCALAR;
        }
        if (b.rows() == 1 && b.cols() == a.cols()) {
            return ROW;
        }
        if (b.cols() == 1 && b.rows() == a.rows()) {
            return COLUMN;
        }
        String hint = (a.rows() == 1 || a.cols() == 1) && !b.isScalar() ? " (only the second operand is broadcast; swap them)" : "";
        throw ShapeException.of(op, "expected the second shape to equal the first, or to be 1×" + a.cols() + ", " + a.rows() + "×1 or 1×1" + hint, a, b);
    }

    /** Element of {@code b} that pairs with element (i, j) of an {@code m}-row first operand. */
    int index(int i, int j, int m) {
        switch (this) {
            case SAME: return i + j * m;
            case ROW: return j;
            case COLUMN: return i;
            default: return 0;
        }
    }

    /** Writes {@code b} stretched to {@code out}'s full shape. */
    void expand(R064Store b, R064Store out) {
        int m = out.getRowDim();
        int n = out.getColDim();
        double[] src = b.data;
        double[] dst = out.data;
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                dst[o + i] = src[index(i, j, m)];
            }
        }
    }

    /** Adds {@code full} (the first operand's shape), summed down to {@code b}'s shape, into {@code target}. */
    void accumulateReduced(double[] full, int m, int n, double[] target) {
        if (this == SAME) {
            for (int i = 0; i < m * n; i++) {
                target[i] += full[i];
            }
            return;
        }
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                target[index(i, j, m)] += full[o + i];
            }
        }
    }
}
