package org.tapegrad.layers.zoo;

import java.util.Random;

import org.tapegrad.layers.init.Initializer;
import org.tapegrad.tape.Parameter;

/** Creation and checks shared by the zoo's cells. */
final class ZooParameters {

    private ZooParameters() {
    }

    static void checkSizes(String name, int inputSize, int hiddenSize) {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException(name + ": input size and hidden size must be at least 1, got I=" + inputSize + ", H=" + hiddenSize);
        }
    }

    /** A {@code rows×cols} parameter uniform in {@code [−1/√H, 1/√H]} (PyTorch's recurrent default), drawn from {@code random}. */
    static Parameter uniform(String name, int rows, int cols, int hidden, Random random) {
        Parameter p = new Parameter(name, rows, cols);
        Initializer.uniform(1.0 / Math.sqrt(hidden)).initialize(p, random);
        return p;
    }
}
