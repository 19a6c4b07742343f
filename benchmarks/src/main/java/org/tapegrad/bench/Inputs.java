package org.tapegrad.bench;

import java.util.Random;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.tape.Parameter;

/** Seeded random values for the benchmarks. */
final class Inputs {

    private Inputs() {
    }

    /** A {@code rows×cols} parameter uniform in [−1, 1]. */
    static Parameter uniform(String name, int rows, int cols, Random random) {
        R064Store values = R064Store.FACTORY.make(rows, cols);
        fill(values, random);
        return new Parameter(name, values);
    }

    /** {@code steps} inputs of shape {@code batch×features}, uniform in [−1, 1]. */
    static R064Store[] sequence(int steps, int batch, int features, Random random) {
        R064Store[] xs = new R064Store[steps];
        for (int t = 0; t < steps; t++) {
            xs[t] = R064Store.FACTORY.make(batch, features);
            fill(xs[t], random);
        }
        return xs;
    }

    private static void fill(R064Store s, Random random) {
        for (int i = 0; i < s.data.length; i++) {
            s.data[i] = 2 * random.nextDouble() - 1;
        }
    }
}
