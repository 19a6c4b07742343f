package org.tapegrad.layers.optim;



/**
 * Adagrad in PyTorch's formula ({@code torch.optim.Adagrad}), element-wise, with {@code t} the parameter's own step
 * count (starting at 1):
 * <pre>
 * g  = ∇θ + λ·θ                          (λ = weightDecay)
 * η' = η / (1 + (t − 1)·δ)                (δ = learningRateDecay)
 * G  = G + g²                            (G starts at initialAccumulator)
 * θ ← θ − η'·g / (√G + ε)
 * </pre>
 * Never zeroes gradients; see {@link Optimizer}.
 */
public final class Adagrad extends PerParameterOptimizer<Adagrad.Accumulator> {

    private static final String NAME = "Adagrad";

    private final double learningRateDecay;
    private final double initialAccumulator;
    private final double epsilon;
    private final double weightDecay;

    static final class Accumulator {
        final double[] sumOfSquares;
        long steps;

        Accumulator(int size, double initial) {
            sumOfSquares = new double[size];
            java.util.Arrays.fill(sumOfSquares, initial);
        }
    }

    private Adagrad(Builder b) {
        super(NAME, b.learningRate);
        this.learningRateDecay = HyperParameters.nonNegative(NAME, "learningRateDecay", b.learningRateDecay);
        this.initialAccumulator = HyperParameters.nonNegative(NAME, "initialAccumulator", b.initialAccumulator);
        this.epsilon = HyperParameters.positive(NAME, "epsilon", b.epsilon);
        this.weightDecay = HyperParameters.nonNegative(NAME, "weightDecay", b.weightDecay);
    }

    /** Adagrad with PyTorch's defaults: no learning-rate decay, accumulator 0, ε 1e-10, no weight decay. */
    public static Adagrad of(double learningRate) {
        return builder(learningRate).build();
    }

    /** A builder with PyTorch's defaults. */
    public static Builder builder(double learningRate) {
        return new Builder(learningRate);
    }

    @Override
    protected Accumulator newState(int size) {
        return new Accumulator(size, initialAccumulator);
    }

    @Override
    protected SlotValues exportState(Accumulator acc) {
        return SlotValues.of(acc.steps, "sum_of_squares", acc.sumOfSquares.clone());
    }

    @Override
    protected Accumulator importState(int size, SlotValues saved) {
        Accumulator acc = new Accumulator(size, 0);
        saved.copyInto("sum_of_squares", acc.sumOfSquares);
        acc.steps = saved.steps();
        return acc;
    }

    @Override
    protected void update(double[] theta, double[] grad, Accumulator acc) {
        long t = ++acc.steps;
        double eta = learningRate() / (1 + (t - 1) * learningRateDecay);
        double[] sum = acc.sumOfSquares;
        for (int i = 0; i < theta.length; i++) {
            double g = grad[i] + weightDecay * theta[i];
            sum[i] += g * g;
            theta[i] -= eta * g / (Math.sqrt(sum[i]) + epsilon);
        }
    }

    @Override
    public String toString() {
        return "Adagrad(lr=" + learningRate() + ", lrDecay=" + learningRateDecay + ", initialAccumulator="
                + initialAccumulator + ", eps=" + epsilon + ", weightDecay=" + weightDecay + ")";
    }

    /** Settings of an {@link Adagrad}; validated by {@link #build()}. */
    public static final class Builder {
        private final double learningRate;
        private double learningRateDecay;
        private double initialAccumulator;
        private double epsilon = 1e-10;
        private double weightDecay;

        private Builder(double learningRate) {
            this.learningRate = learningRate;
        }

        /** δ ≥ 0: the step size at step t is η / (1 + (t − 1)δ); default 0. */
        public Builder learningRateDecay(double learningRateDecay) {
            this.learningRateDecay = learningRateDecay;
            return this;
        }

        /** Starting value ≥ 0 of the sum of squared gradients; default 0. */
        public Builder initialAccumulator(double initialAccumulator) {
            this.initialAccumulator = initialAccumulator;
            return this;
        }

        /** ε &gt; 0 added to the root of the sum; default 1e-10. */
        public Builder epsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** L2 penalty λ ≥ 0 added to the gradient; default 0. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting that is out of range */
        public Adagrad build() {
            return new Adagrad(this);
        }
    }
}
