package org.tapegrad.layers.init;

import java.util.Random;

import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.Parameter;

/**
 * Initial values of a weight matrix drawn from an explicit {@link Random}, so a run is reproducible bit for bit from
 * its seed ({@code java.util.Random}'s algorithms are fixed by the Java specification). Random draws are taken in
 * row-major order: element (0,0), (0,1), …, (1,0), … — independent of how the engine stores a matrix.
 *
 * <p>Shapes follow tapegrad's convention {@code y = x·W}: a weight is {@code fanIn × fanOut} (rows × cols),
 * the transpose of PyTorch's {@code (out, in)} layout.
 */
public interface Initializer {

    /** A new matrix of the given shape (any shape) holding initial values drawn from {@code random}. */
    MatrixStore<Double> values(Shape shape, Random random);

    /** Overwrites the value of {@code parameter} with {@link #values values(parameter.shape(), random)}. */
    default void initialize(Parameter parameter, Random random) {
        parameter.assign(values(parameter.shape(), random));
    }

    /**
     * {@link #initialize(Parameter, Random)} with {@link #randomFromSeed(long) randomFromSeed(seed)}, so that nearby
     * seeds (1, 2, 3 for three layers) give unrelated values.
     */
    default void initialize(Parameter parameter, long seed) {
        initialize(parameter, randomFromSeed(seed));
    }

    /**
     * A {@code java.util.Random} seeded with the SplitMix64 mix of {@code seed}. Plain {@code new Random(seed)} is
     * a poor choice for small consecutive seeds: their first outputs are almost equal (the first
     * {@code nextDouble()} of seeds 0 and 1 agree to three digits).
     */
    static Random randomFromSeed(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }

    /** All elements 0. */
    static Initializer zeros() {
        return new ConstantInit(0.0);
    }

    /** All elements {@code value} (finite). */
    static Initializer constant(double value) {
        return new ConstantInit(value);
    }

    /** U(−bound, bound), {@code bound > 0}. */
    static Initializer uniform(double bound) {
        return new UniformInit(bound);
    }

    /**
     * PyTorch's default for {@code nn.RNN/LSTM/GRU} (every weight and bias): U(−1/√H, 1/√H) with H the hidden
     * size of the layer.
     */
    static Initializer pytorchRecurrentDefault(int hiddenSize) {
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hidden size must be >= 1, got " + hiddenSize);
        }
        return new UniformInit(1.0 / Math.sqrt(hiddenSize));
    }

    /** Xavier/Glorot uniform with gain 1: U(−a, a), {@code a = √(6 / (fanIn + fanOut))}. */
    static Initializer xavierUniform() {
        return new XavierInit(1.0, false);
    }

    /** Xavier/Glorot uniform: U(−a, a), {@code a = gain·√(6 / (fanIn + fanOut))}. */
    static Initializer xavierUniform(double gain) {
        return new XavierInit(gain, false);
    }

    /** Xavier/Glorot normal with gain 1: N(0, σ²), {@code σ = √(2 / (fanIn + fanOut))}. */
    static Initializer xavierNormal() {
        return new XavierInit(1.0, true);
    }

    /** Xavier/Glorot normal: N(0, σ²), {@code σ = gain·√(2 / (fanIn + fanOut))}. */
    static Initializer xavierNormal(double gain) {
        return new XavierInit(gain, true);
    }

    /** Orthogonal with gain 1; see {@link OrthogonalInit}. */
    static Initializer orthogonal() {
        return new OrthogonalInit(1.0);
    }

    /** {@code gain} times a random orthogonal matrix; see {@link OrthogonalInit}. */
    static Initializer orthogonal(double gain) {
        return new OrthogonalInit(gain);
    }
}
