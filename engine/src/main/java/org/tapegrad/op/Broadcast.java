package org.tapegrad.op;

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
        // Each accepted shape once: for a 1×n or m×1 first operand some of the four forms coincide.
        java.util.LinkedHashSet<String> forms = new java.util.LinkedHashSet<>(java.util.List.of("1×" + a.cols(), a.rows() + "×1", "1×1"));
        forms.remove(a.rows() + "×" + a.cols());
        String others = forms.isEmpty() ? "" : ", or to be " + String.join(" or ", forms);
        throw ShapeException.of(op, "expected the second shape to equal the first" + others + hint, a, b);
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

    /** Adds {@code sign·full} (the first operand's shape), summed down to {@code b}'s shape, into {@code target}. */
    void accumulateReduced(double[] full, double sign, int m, int n, double[] target) {
        if (this == SAME) {
            Products.addInto(full, target, sign);
            return;
        }
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) {
                target[index(i, j, m)] += sign * full[o + i];
            }
        }
    }

    /** The float32 form of {@link #accumulateReduced(double[], double, int, int, double[])}; each reduced element is summed in double. */
    void accumulateReduced(float[] full, float sign, int m, int n, float[] target) {
        switch (this) {
            case SAME:
                Products.addInto(full, target, sign);
                return;
            case ROW:
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int i = 0, o = j * m; i < m; i++) {
                        s += full[o + i];
                    }
                    target[j] += (float) (sign * s);
                }
                return;
            case COLUMN:
                for (int i = 0; i < m; i++) {
                    double s = 0;
                    for (int j = 0; j < n; j++) {
                        s += full[i + j * m];
                    }
                    target[i] += (float) (sign * s);
                }
                return;
            default:
                double s = 0;
                for (float f : full) {
                    s += f;
                }
                target[0] += (float) (sign * s);
        }
    }
}
