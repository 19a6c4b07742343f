package org.tapegrad.layers;

import java.util.List;
import java.util.Random;

import org.tapegrad.layers.init.Initializer;
import org.tapegrad.op.ShapeException;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Var;

/**
 * An affine layer {@code y = x·W + b}: {@code x} is {@code B×in}, {@code W} ({@code <name>.w}) is {@code in×out},
 * the optional bias {@code b} ({@code <name>.b}) is {@code 1×out}, {@code y} is {@code B×out}. Typically the output
 * head of a recurrent network, applied to each step's {@code h_t}. PyTorch's {@code nn.Linear.weight} is
 * {@code Wᵀ} ({@code out×in}).
 */
public final class Linear implements HasParameters {

    private final String name;
    private final Parameter w;
    private final Parameter b;

    /**
     * A layer initialized as PyTorch's {@code nn.Linear}: weights and bias uniform in {@code [−1/√in, 1/√in]}, drawn
     * from {@code random} in the order W, b (row-major within each).
     */
    public Linear(String name, int in, int out, boolean bias, Random random) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException(name + ": input and output sizes must be at least 1, got in=" + in + ", out=" + out);
        }
        this.name = name;
        double bound = 1.0 / Math.sqrt(in);
        this.w = uniform(new Parameter(name + ".w", in, out), bound, random);
        this.b = bias ? uniform(new Parameter(name + ".b", 1, out), bound, random) : null;
    }

    /** {@code x·W + b}, {@code B×out}, for {@code x} of shape {@code B×in}. */
    public Var apply(Var x) {
        if (x.cols() != inputSize()) {
            throw new ShapeException(name + ": input is " + x.shape() + ", expected B×" + inputSize());
        }
        Var y = x.matmul(w);
        return b == null ? y : y.plus(b);
    }

    public int inputSize() {
        return w.shape().rows();
    }

    public int outputSize() {
        return w.shape().cols();
    }

    /** Weights {@code in×out}. */
    public Parameter w() {
        return w;
    }

    /** Whether the layer has a bias. */
    public boolean hasBias() {
        return b != null;
    }

    /** Bias {@code 1×out}. @throws IllegalStateException if built without one */
    public Parameter b() {
        if (b == null) {
            throw new IllegalStateException(name + " has no bias");
        }
        return b;
    }

    @Override
    public List<Parameter> parameters() {
        return b == null ? List.of(w) : List.of(w, b);
    }

    private static Parameter uniform(Parameter p, double bound, Random random) {
        Initializer.uniform(bound).initialize(p, random);
        return p;
    }
}
