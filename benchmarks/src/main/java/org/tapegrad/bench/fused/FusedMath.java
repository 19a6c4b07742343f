package org.tapegrad.bench.fused;

/**
 * The element functions of the fused kernels: the same formulas as the engine's sigmoid and tanh ops, so the tape
 * and the hand-written reference pay the same cost per element and the benchmark ratio measures the tape alone.
 */
final class FusedMath {

    private FusedMath() {
    }

    /** {@code 1/(1+e^{−x})} without overflow. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** {@code tanh x} from one {@code exp}, with a Taylor branch near 0 where {@code 1 − e^{−2|x|}} cancels. */
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
