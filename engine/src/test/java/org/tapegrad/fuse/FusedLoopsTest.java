package org.tapegrad.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;
import org.tapegrad.kernel.Kernels;

/**
 * The VJPs of {@code a⊙b} and {@code a⊙b + c⊙d} that update every operand's gradient in one loop give the bits of a
 * loop per operand, float64 and float32, with operands apart, the same region twice, and side by side in one buffer.
 */
class FusedLoopsTest {

    private static final int ROWS = 3;
    private static final int COLS = 37;   // not a multiple of any vector length: the loops' tails run too

    /** Buffer 0 holds four operand regions side by side, buffer 1 the result. */
    private static Buffer[] buffers() {
        Buffer operands = new Buffer(Buffer.Kind.ARENA, ROWS, 4 * COLS);
        Buffer result = new Buffer(Buffer.Kind.ARENA, ROWS, COLS);
        operands.index = 0;
        result.index = 1;
        return new Buffer[] {operands, result};
    }

    private static Ref region(Buffer b, int k) {
        return new Ref(b, k * ROWS * COLS, ROWS, COLS);
    }

    @Test
    void oneLoopOverEveryOperandGivesTheBitsOfALoopPerOperand() {
        Buffer[] b = buffers();
        Ref y = region(b[1], 0);
        // operand picks: all apart, a repeated region, all four the same
        List<int[]> picks = List.of(new int[] {0, 1, 2, 3}, new int[] {0, 0, 1, 2}, new int[] {2, 1, 2, 1}, new int[] {3, 3, 3, 3});
        for (int[] p : picks) {
            Ref[] r = {region(b[0], p[0]), region(b[0], p[1]), region(b[0], p[2]), region(b[0], p[3])};
            compare("product_sum " + java.util.Arrays.toString(p), fuse -> new ProductSum(r[0], r[1], r[2], r[3], y, fuse));
            compare("multiply " + p[0] + "," + p[1], fuse -> new ElementwiseBinary(ElementwiseBinary.Operator.MULTIPLY, r[0], r[1], y, fuse));
        }
    }

    private static void compare(String what, java.util.function.Function<Boolean, Instruction> make) {
        Kernels kernels = Kernels.defaults();
        BiFunction<Instruction, Long, double[][]> run64 = (instruction, seed) -> {
            Random random = new Random(seed);
            double[][] values = {randoms(random, ROWS * 4 * COLS), new double[ROWS * COLS]};
            double[][] grads = {randoms(random, ROWS * 4 * COLS), randoms(random, ROWS * COLS)};
            instruction.forward(values, kernels);
            instruction.backward(values, grads, kernels);
            return grads;
        };
        double[][] separate = run64.apply(make.apply(false), 5L);
        double[][] fused = run64.apply(make.apply(true), 5L);
        assertArrayEquals(separate[0], fused[0], what + " f64");
        BiFunction<Instruction, Long, float[][]> run32 = (instruction, seed) -> {
            Random random = new Random(seed);
            float[][] values = {floats(randoms(random, ROWS * 4 * COLS)), new float[ROWS * COLS]};
            float[][] grads = {floats(randoms(random, ROWS * 4 * COLS)), floats(randoms(random, ROWS * COLS))};
            instruction.forward32(values, kernels);
            instruction.backward32(values, grads, kernels);
            return grads;
        };
        float[][] separate32 = run32.apply(make.apply(false), 6L);
        float[][] fused32 = run32.apply(make.apply(true), 6L);
        assertArrayEquals(separate32[0], fused32[0], what + " f32");
    }

    private static double[] randoms(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 2 * random.nextDouble() - 1;
        }
        return v;
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
