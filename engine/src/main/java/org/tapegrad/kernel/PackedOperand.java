package org.tapegrad.kernel;

/**
 * A right operand {@code op(B)} ({@code k×n}) laid out once by a kernel for many products {@code C (+)= op(A)·op(B)}
 * with the same {@code B}: a recurrent cell's weights, multiplied at every step of a sequence. Packing {@code B} into
 * the micro-kernel's panels costs about half a product, so a kernel reads {@code B} in place when it would pack it for
 * one product only; packed once and reused, the panels are read at the speed of the packed kernel (JMH
 * {@code GemmBenchmark -p prepackedB=false,true}, Intel Xeon, one thread: float32 1.20× at 64×128·128×1536, 1.40× at
 * 64×1536·(512×1536)ᵀ; float64 1.19× and 1.38×).
 *
 * <p>A product through a packed operand gives {@code C} the very bits of the plain product with {@code B} itself
 * ({@link GemmKernel#gemm(boolean, int, int, int, double[], PackedOperand, double[], boolean)}): the panels only
 * change where the elements are read from, not the order in which each element of {@code C} sums its products. It
 * refers to {@code B}'s array ({@link #source64()}, {@link #source32()}), and kernels fall back to it where they read
 * no panels (few rows, a column range that does not start at a panel, another kernel's layout). It does not see later
 * changes of that array: whoever keeps one makes sure {@code B} has not changed since it was packed.
 */
public final class PackedOperand {

    private final Object layout;
    private final boolean transposed;
    private final int k;
    private final int n;
    private final int panelColumns;
    private final int slice;
    private final Object source;
    private final Object panels;

    PackedOperand(Object layout, boolean transposed, int k, int n, int panelColumns, int slice, Object source, Object panels) {
        this.layout = layout;
        this.transposed = transposed;
        this.k = k;
        this.n = n;
        this.panelColumns = panelColumns;
        this.slice = slice;
        this.source = source;
        this.panels = panels;
    }

    /** Whether {@code B} is stored transposed ({@code n×k}), as the {@code transB} of a plain product. */
    public boolean transposed() {
        return transposed;
    }

    /** Rows of {@code op(B)}: the products' inner dimension. */
    public int rows() {
        return k;
    }

    /** Columns of {@code op(B)} and of {@code C}. */
    public int cols() {
        return n;
    }

    /** Bytes of the panels (B's own array not counted). */
    public long bytes() {
        return panels instanceof double[] d ? 8L * d.length : 4L * ((float[]) panels).length;
    }

    /** {@code B}'s float64 array; throws if it is a float32 operand. */
    public double[] source64() {
        if (source instanceof double[] d) {
            return d;
        }
        throw new IllegalStateException("packed operand: a float32 operand used in a float64 product");
    }

    /** {@code B}'s float32 array; throws if it is a float64 operand. */
    public float[] source32() {
        if (source instanceof float[] f) {
            return f;
        }
        throw new IllegalStateException("packed operand: a float64 operand used in a float32 product");
    }

    /** Whether {@code b} is this operand's source array (the same array, not equal contents). */
    public boolean isOf(Object b) {
        return source == b;
    }

    /** Whether these panels were laid out by {@code layout} (a kernel's tag) with panels of {@code nr} columns and slices of {@code kc}. */
    boolean laidOutBy(Object layout, int nr, int kc) {
        return this.layout == layout && panelColumns == nr && slice == kc;
    }

    /** The panels: slice {@code [pc, pc+kc)} starts at {@code pc·⌈n/nr⌉·nr}, its panel {@code q} {@code q·nr·kc} further. */
    double[] panels64() {
        return (double[]) panels;
    }

    /** The float32 panels, laid out as {@link #panels64()}. */
    float[] panels32() {
        return (float[]) panels;
    }

    /** Whether this object's panel array can hold the panels of a {@code k×n} operand of the same layout and type. */
    boolean fits(Object layout, int nr, int kc, int k, int n, boolean float32) {
        int size = GemmPacking.panelElements(k, n, nr);
        return size >= 0 && laidOutBy(layout, nr, kc) && (float32 ? panels instanceof float[] f && f.length >= size
                : panels instanceof double[] d && d.length >= size);
    }

    /** Checks that this operand is {@code k×n}, as a product needs. */
    void requireShape(String op, int k, int n) {
        if (this.k != k || this.n != n) {
            throw new IllegalArgumentException(op + ": the packed operand is " + this.k + "×" + this.n + " but the product needs op(B) "
                    + k + "×" + n);
        }
    }
}
