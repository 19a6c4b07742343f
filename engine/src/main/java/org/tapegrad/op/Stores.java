package org.tapegrad.op;

import org.ojalgo.matrix.store.PhysicalStore;
import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;

/**
 * The element-type-aware storage of the engine: a value of a float64 tape is an {@link R064Store} ({@code double[]}),
 * of a float32 tape an {@link R032Store} ({@code float[]}); both are column-major, element {@code (i, j)} of an
 * {@code r×c} store at {@code data[i + j·r]}, and both are seen from outside as {@code MatrixStore<Double>}. These
 * are the few operations that do not care which it is; loops that do care branch once on {@link DType} and run
 * on the primitive array.
 */
public final class Stores {

    private Stores() {
    }

    /** A new zero-filled store of the element type. */
    public static PhysicalStore<Double> make(DType dtype, int rows, int cols) {
        return dtype == DType.F32 ? R032Store.FACTORY.make(rows, cols) : R064Store.FACTORY.make(rows, cols);
    }

    /** The element type of a store made by {@link #make}. */
    public static DType dtypeOf(PhysicalStore<Double> store) {
        if (store instanceof R064Store) {
            return DType.F64;
        }
        if (store instanceof R032Store) {
            return DType.F32;
        }
        throw new IllegalArgumentException("store: expected an R064Store or an R032Store, got " + store.getClass().getSimpleName());
    }

    /** The primitive array behind the store: a {@code double[]} or a {@code float[]} (for {@code System.arraycopy}). */
    public static Object data(PhysicalStore<Double> store) {
        return store instanceof R032Store ? ((R032Store) store).data : ((R064Store) store).data;
    }

    /** Number of elements. */
    public static int size(PhysicalStore<Double> store) {
        return store instanceof R032Store ? ((R032Store) store).data.length : ((R064Store) store).data.length;
    }

    /** Element {@code index} of the storage order, widened to double. */
    public static double get(PhysicalStore<Double> store, int index) {
        return store instanceof R032Store ? ((R032Store) store).data[index] : ((R064Store) store).data[index];
    }

    /** Sets every element to {@code c} (rounded to float in a float32 store). */
    public static void fill(PhysicalStore<Double> store, double c) {
        if (store instanceof R032Store) {
            java.util.Arrays.fill(((R032Store) store).data, (float) c);
        } else {
            java.util.Arrays.fill(((R064Store) store).data, c);
        }
    }

    /** Whether no element is NaN or ±Inf. */
    public static boolean allFinite(PhysicalStore<Double> store) {
        if (store instanceof R032Store) {
            for (float f : ((R032Store) store).data) {
                if (!Float.isFinite(f)) {
                    return false;
                }
            }
            return true;
        }
        for (double d : ((R064Store) store).data) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code store} is a plain float64 or float32 store whose array holds exactly {@code elements} elements. */
    public static boolean isDense(PhysicalStore<Double> store, long elements) {
        return store instanceof R064Store d ? d.data.length == elements : store instanceof R032Store f && f.data.length == elements;
    }

    /** Copies the elements of {@code src} (storage order) into {@code dst} of the same size, rounding to float when needed. */
    public static void copy(PhysicalStore<Double> src, PhysicalStore<Double> dst) {
        if (src instanceof R032Store && dst instanceof R032Store) {
            float[] s = ((R032Store) src).data;
            System.arraycopy(s, 0, ((R032Store) dst).data, 0, s.length);
        } else if (src instanceof R064Store && dst instanceof R064Store) {
            double[] s = ((R064Store) src).data;
            System.arraycopy(s, 0, ((R064Store) dst).data, 0, s.length);
        } else if (dst instanceof R032Store) {
            double[] s = ((R064Store) src).data;
            float[] d = ((R032Store) dst).data;
            for (int i = 0; i < s.length; i++) {
                d[i] = (float) s[i];
            }
        } else {
            float[] s = ((R032Store) src).data;
            double[] d = ((R064Store) dst).data;
            for (int i = 0; i < s.length; i++) {
                d[i] = s[i];
            }
        }
    }

    /** {@code dst[dstOff + i] += src[srcOff + i]} for {@code i < n}, both of one element type. */
    static void addRange(Object src, int srcOff, Object dst, int dstOff, int n) {
        if (src instanceof float[]) {
            float[] s = (float[]) src;
            float[] d = (float[]) dst;
            for (int i = 0; i < n; i++) {
                d[dstOff + i] += s[srcOff + i];
            }
        } else {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            for (int i = 0; i < n; i++) {
                d[dstOff + i] += s[srcOff + i];
            }
        }
    }

    // ---- the arrays of an op's stores, for ops that only move elements (copies work on either type) ----------

    static Object input(OpContext ctx, int i) {
        return ctx.dtype() == DType.F32 ? ctx.input32(i).data : ctx.input(i).data;
    }

    static Object output(OpContext ctx) {
        return ctx.dtype() == DType.F32 ? ctx.output32().data : ctx.output().data;
    }

    static Object outputGrad(OpContext ctx) {
        return ctx.dtype() == DType.F32 ? ctx.outputGrad32().data : ctx.outputGrad().data;
    }

    static Object inputGrad(OpContext ctx, int i) {
        return ctx.dtype() == DType.F32 ? ctx.inputGrad32(i).data : ctx.inputGrad(i).data;
    }

    static int length(Object array) {
        return array instanceof float[] ? ((float[]) array).length : ((double[]) array).length;
    }
}
