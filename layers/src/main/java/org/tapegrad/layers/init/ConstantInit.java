package org.tapegrad.layers.init;

import java.util.Random;

import org.ojalgo.matrix.store.R064Store;

/** Every element set to one value; draws nothing from the random source. */
public record ConstantInit(double value) implements Initializer {

    public ConstantInit {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("constant initializer needs a finite value, got " + value);
        }
    }

    @Override
    public void fill(R064Store target, Random random) {
        java.util.Arrays.fill(target.data, value);
    }
}
