package org.tapegrad.layers.init;

import java.util.Random;

import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.op.Shape;

/**
 * U(−bound, bound): each element is {@code bound·(2u − 1)} with {@code u = random.nextDouble()} in [0, 1), drawn
 * in row-major order.
 */
public record UniformInit(double bound) implements Initializer {

    public UniformInit {
        if (!(bound > 0) || !Double.isFinite(bound)) {
            throw new IllegalArgumentException("uniform initializer needs a finite bound > 0, got " + bound);
        }
    }

    @Override
    public MatrixStore<Double> values(Shape shape, Random random) {
        return RowMajor.draw(shape, () -> bound * (2 * random.nextDouble() - 1));
    }
}
