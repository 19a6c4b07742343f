package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The vector activation kernel, warm, allocates nothing: every Vector API operation of its loops has an instruction on
 * this machine and was compiled as an intrinsic. An operation without one (a 64-bit integer maximum on AVX2) or a
 * call C2 left out of line runs the API's Java fallback, which boxes every vector it touches: the range check of
 * exp, tanh and sigmoid did that on AMD Zen 3 (AVX2), about 40 KB per LSTM step at B = 64, H = 512. Every method of
 * {@link ActivationKernel}, both element types, a length with a ragged tail, inputs in the fast range and beyond it
 * (the scalar path of a chunk). One thread.
 */
class ActivationIntrinsicsTest {

    private static final int N = 4096 + 3;
    // Enough calls for C2 to compile each loop's method itself (about 600 invocations), not only OSR versions of its
    // loop entered from the interpreter, whose vectors live across the entry are typed only by their declarations
    private static final int WARM_ROUNDS = 3000;
    private static final int MEASURED_ROUNDS = 10;

    @Test
    void warmActivationsAndElementwiseLoopsAllocateNothing() {
        assumeTrue(Kernels.vectorAvailable(), "the Vector API module is not enabled");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ActivationKernel kernel = Kernels.activations("vector");
        SplittableRandom random = new SplittableRandom(9);
        double[][] d = new double[6][N];
        float[][] f = new float[6][N];
        for (int k = 0; k < 6; k++) {
            for (int i = 0; i < N; i++) {
                // mostly in the fast range; the last chunk has a value past every activation's limit
                double v = i == N - 10 ? 1000.0 : random.nextDouble(-8, 8);
                d[k][i] = v;
                f[k][i] = (float) v;
            }
        }
        Map<String, Runnable> loops = loops(kernel, d, f);
        for (int round = 0; round < WARM_ROUNDS; round++) {
            loops.values().forEach(Runnable::run);
        }
        Map<String, Long> allocating = new LinkedHashMap<>();
        for (Map.Entry<String, Runnable> loop : loops.entrySet()) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int round = 0; round < MEASURED_ROUNDS; round++) {
                loop.getValue().run();
            }
            long allocated = bean.getCurrentThreadAllocatedBytes() - before;
            // The boxed fallback allocates tens of bytes per vector, a megabyte over these rounds; the probe a few bytes.
            if (allocated > 1024) {
                allocating.put(loop.getKey(), allocated);
            }
        }
        assertTrue(allocating.isEmpty(), "warm activation loops allocated (bytes in " + MEASURED_ROUNDS + " calls) " + allocating
                + ": some Vector API operation of theirs was not compiled as an intrinsic");
    }

    private static Map<String, Runnable> loops(ActivationKernel k, double[][] d, float[][] f) {
        Map<String, Runnable> loops = new LinkedHashMap<>();
        loops.put("exp f64", () -> k.exp(d[0], 0, d[1], 0, N));
        loops.put("tanh f64", () -> k.tanh(d[0], 1, d[2], 1, N - 1));
        loops.put("sigmoid f64", () -> k.sigmoid(d[0], 0, d[3], 0, N));
        loops.put("productSum f64", () -> k.productSum(d[1], 0, d[2], 0, d[3], 0, d[0], 0, d[4], 0, N));
        loops.put("multiply f64", () -> k.multiply(d[2], 0, d[3], 0, d[4], 0, N));
        loops.put("addProduct f64", () -> k.addProduct(d[2], 0, d[3], 0, d[5], 0, N));
        loops.put("multiplyGradients f64", () -> k.multiplyGradients(d[2], 0, d[3], 0, d[1], 0, d[4], 0, d[5], 0, N));
        loops.put("sigmoidGradient f64", () -> k.sigmoidGradient(d[2], 0, d[3], 0, d[4], 0, N, true));
        loops.put("tanhGradient f64", () -> k.tanhGradient(d[2], 0, d[3], 0, d[5], 0, N, false));
        loops.put("addToEveryRow f64", () -> k.addToEveryRow(d[2], d[4], 4, 0, N / 4));
        loops.put("addColumnSums f64", () -> k.addColumnSums(d[2], d[5], 4, 0, N / 4));
        loops.put("flushTiny f64", () -> k.flushTiny(d[5], 0, N, 1e-300));
        loops.put("exp f32", () -> k.exp(f[0], 0, f[1], 0, N));
        loops.put("tanh f32", () -> k.tanh(f[0], 1, f[2], 1, N - 1));
        loops.put("sigmoid f32", () -> k.sigmoid(f[0], 0, f[3], 0, N));
        loops.put("productSum f32", () -> k.productSum(f[1], 0, f[2], 0, f[3], 0, f[0], 0, f[4], 0, N));
        loops.put("multiply f32", () -> k.multiply(f[2], 0, f[3], 0, f[4], 0, N));
        loops.put("addProduct f32", () -> k.addProduct(f[2], 0, f[3], 0, f[5], 0, N));
        loops.put("multiplyGradients f32", () -> k.multiplyGradients(f[2], 0, f[3], 0, f[1], 0, f[4], 0, f[5], 0, N));
        loops.put("sigmoidGradient f32", () -> k.sigmoidGradient(f[2], 0, f[3], 0, f[4], 0, N, true));
        loops.put("tanhGradient f32", () -> k.tanhGradient(f[2], 0, f[3], 0, f[5], 0, N, false));
        loops.put("addToEveryRow f32", () -> k.addToEveryRow(f[2], f[4], 4, 0, N / 4));
        loops.put("addColumnSums f32", () -> k.addColumnSums(f[2], f[5], 4, 0, N / 4));
        loops.put("flushTiny f32", () -> k.flushTiny(f[5], 0, N, 1e-30f));
        return loops;
    }
}
