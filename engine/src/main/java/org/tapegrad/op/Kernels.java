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

    /** {@code 1/(1+e^{−x})} without overflow: e^{−|x|} never exceeds 1. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /**
     * {@code tanh x} from one {@code exp}, about 4× cheaper than {@link Math#tanh}; exact limits at ±∞ and a Taylor
     * branch near 0 where {@code 1 − e^{−2|x|}} would cancel.
     */
    static double tanh(double x) {
        double ax = Math.abs(x);
        if (ax < 0x1p-8) {
            double x2 = x * x;
            return x * (1.0 - x2 * (1.0 / 3.0 - x2 * (2.0 / 15.0)));
        }
        double e = Math.exp(-2.0 * ax);
        double t = (1.0 - e) / (1.0 + e);
        return x < 0 ? -t : t;
    }
}
