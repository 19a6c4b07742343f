package org.tapegrad.op;

/** Loops over raw column-major arrays shared by several ops; each is a single pass the JIT vectorizes. */
final class Kernels {

    private Kernels() {
    }

    /** {@code dst += alpha·src} over the whole of {@code src}. */
    static void addInto(double[] src, double[] dst, double alpha) {
        int n = src.length;
        if (alpha == 1.0) {
            for (int i = 0; i < n; i++) {
                dst[i] += src[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                dst[i] += alpha * src[i];
            }
        }
    }
}
