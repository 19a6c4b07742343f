package org.tapegrad.layers.init;

import java.util.Random;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.op.Shape;

/** Every element set to one value; draws nothing from the random source. */
public record ConstantInit(double value) implements Initializer {

    public ConstantInit {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("constant initializer needs a finite value, got " + value);
        }
    }

    @Override
    public MatrixStore<Double> values(Shape shape, Random random) {
        R064Store m = R064Store.FACTORY.make(shape.rows(), shape.cols());
        m.fillAll(value);
        return m;
    }
}
