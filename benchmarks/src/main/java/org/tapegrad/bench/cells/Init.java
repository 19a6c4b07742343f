package org.tapegrad.bench.cells;

import java.util.Random;

import org.tapegrad.tape.Parameter;

/** PyTorch-style initialization for the benchmark cells: every element uniform in {@code [−1/√H, 1/√H]}. */
final class Init {

    private Init() {
    }

    static void checkSizes(String name, int inputSize, int hiddenSize) {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException(name + ": input size and hidden size must be at least 1, got I=" + inputSize + ", H=" + hiddenSize);
        }
    }

    /** A {@code rows×cols} parameter uniform in {@code [−bound, bound]}, filled column-major from {@code random}. */
    static Parameter uniform(String name, int rows, int cols, double bound, Random random) {
        Parameter p = new Parameter(name, rows, cols);
        double[] d = p.value().data;
        for (int i = 0; i < d.length; i++) {
            d[i] = bound * (2 * random.nextDouble() - 1);
        }
        return p;
    }
}
