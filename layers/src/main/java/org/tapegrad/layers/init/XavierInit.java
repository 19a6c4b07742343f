package org.tapegrad.layers.init;

import java.util.Random;

import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.op.Shape;

/**
 * Xavier/Glorot initialization for a {@code fanIn × fanOut} weight (as {@code torch.nn.init.xavier_*_}; the formula
 * only uses {@code fanIn + fanOut}, so PyTorch's transposed layout gives the same distribution). A fused gate
 * matrix such as an LSTM's {@code I × 4H} is treated as one matrix, as PyTorch does.
 * <ul>
 *   <li>uniform: U(−a, a), {@code a = gain·√(6 / (fanIn + fanOut))}, each {@code a·(2u − 1)};</li>
 *   <li>normal: N(0, σ²), {@code σ = gain·√(2 / (fanIn + fanOut))}, each {@code σ·random.nextGaussian()}.</li>
 * </ul>
 */
public record XavierInit(double gain, boolean normal) implements Initializer {

    public XavierInit {
        if (!(gain > 0) || !Double.isFinite(gain)) {
            throw new IllegalArgumentException("Xavier initializer needs a finite gain > 0, got " + gain);
        }
    }

    @Override
    public MatrixStore<Double> values(Shape shape, Random random) {
        double fanSum = (double) shape.rows() + shape.cols();
        if (normal) {
            double sigma = gain * Math.sqrt(2.0 / fanSum);
            return RowMajor.draw(shape, () -> sigma * random.nextGaussian());
        }
        double bound = gain * Math.sqrt(6.0 / fanSum);
        return RowMajor.draw(shape, () -> bound * (2 * random.nextDouble() - 1));
    }
}
