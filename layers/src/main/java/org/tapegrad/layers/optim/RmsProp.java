package org.tapegrad.layers.optim;



/**
 * RMSprop in PyTorch's variant ({@code torch.optim.RMSprop}): ε is added <em>outside</em> the square root, there is
 * no bias correction, the square average starts at 0. Element-wise:
 * <pre>
 * g  = ∇θ + λ·θ                                   (λ = weightDecay)
 * s  = ρ·s + (1 − ρ)·g²                           (ρ = decay, PyTorch's alpha)
 * a  = ρ·a + (1 − ρ)·g;  r = √max(s − a², 0) + ε  if centered
 * r  = √s + ε                                     otherwise
 * b  = μ·b + g/r;  θ ← θ − η·b                    if μ &gt; 0 (μ = momentum)
 * θ ← θ − η·g/r                                   otherwise
 * </pre>
 * The {@code max(·, 0)} only guards against rounding (s ≥ a² holds exactly in real arithmetic); PyTorch has no
 * such guard and would produce NaN there. Never zeroes gradients; see {@link Optimizer}.
 */
public final class RmsProp extends PerParameterOptimizer<RmsProp.Averages> {

    private static final String NAME = "RmsProp";

    private final double decay;
    private final double epsilon;
    private final double momentum;
    private final boolean centered;
    private final double weightDecay;

    static final class Averages {
        final double[] square;
        final double[] mean;
        final double[] velocity;
        long steps;

        Averages(int size, boolean centered, boolean momentum) {
            square = new double[size];
            mean = centered ? new double[size] : null;
            velocity = momentum ? new double[size] : null;
        }
    }

    private RmsProp(Builder b) {
        super(NAME, b.learningRate);
        this.decay = HyperParameters.unitInterval(NAME, "decay", b.decay);
        this.epsilon = HyperParameters.positive(NAME, "epsilon", b.epsilon);
        this.momentum = HyperParameters.unitInterval(NAME, "momentum", b.momentum);
        this.centered = b.centered;
        this.weightDecay = HyperParameters.nonNegative(NAME, "weightDecay", b.weightDecay);
    }

    /** RMSprop with PyTorch's defaults: decay 0.99, ε 1e-8, no momentum, not centered, no weight decay. */
    public static RmsProp of(double learningRate) {
        return builder(learningRate).build();
    }

    /** A builder with PyTorch's defaults: decay 0.99, ε 1e-8, no momentum, not centered, no weight decay. */
    public static Builder builder(double learningRate) {
        return new Builder(learningRate);
    }

    @Override
    protected Averages newState(int size) {
        return new Averages(size, centered, momentum > 0);
    }

    @Override
    protected SlotValues exportState(Averages avg) {
        java.util.Map<String, double[]> arrays = new java.util.LinkedHashMap<>();
        arrays.put("square", avg.square.clone());
        if (avg.mean != null) {
            arrays.put("mean", avg.mean.clone());
        }
        if (avg.velocity != null) {
            arrays.put("velocity", avg.velocity.clone());
        }
        return new SlotValues(arrays, avg.steps);
    }

    @Override
    protected Averages importState(int size, SlotValues saved) {
        Averages avg = newState(size);
        saved.copyInto("square", avg.square);
        if (avg.mean != null) {
            saved.copyInto("mean", avg.mean);
        }
        if (avg.velocity != null) {
            saved.copyInto("velocity", avg.velocity);
        }
        avg.steps = saved.steps();
        return avg;
    }

    @Override
    protected void update(double[] theta, double[] grad, Averages avg) {
        avg.steps++;
        double eta = learningRate();
        double[] s = avg.square;
        double[] a = avg.mean;
        double[] b = avg.velocity;
        for (int i = 0; i < theta.length; i++) {
            double g = grad[i] + weightDecay * theta[i];
            s[i] = decay * s[i] + (1 - decay) * g * g;
            double variance = s[i];
            if (a != null) {
                a[i] = decay * a[i] + (1 - decay) * g;
                variance = Math.max(s[i] - a[i] * a[i], 0.0);
            }
            double scaled = g / (Math.sqrt(variance) + epsilon);
            if (b != null) {
                b[i] = momentum * b[i] + scaled;
                theta[i] -= eta * b[i];
            } else {
                theta[i] -= eta * scaled;
            }
        }
    }

    @Override
    public String toString() {
        return "RmsProp(lr=" + learningRate() + ", decay=" + decay + ", eps=" + epsilon + ", momentum=" + momentum
                + ", centered=" + centered + ", weightDecay=" + weightDecay + ")";
    }

    /** Settings of an {@link RmsProp}; validated by {@link #build()}. */
    public static final class Builder {
        private final double learningRate;
        private double decay = 0.99;
        private double epsilon = 1e-8;
        private double momentum;
        private boolean centered;
        private double weightDecay;

        private Builder(double learningRate) {
            this.learningRate = learningRate;
        }

        /** Decay ρ in [0, 1) of the square average (PyTorch's {@code alpha}); default 0.99. */
        public Builder decay(double decay) {
            this.decay = decay;
            return this;
        }

        /** ε &gt; 0 added to the root mean square; default 1e-8. */
        public Builder epsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** Momentum μ in [0, 1); default 0. */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /** Normalise by an estimate of the variance instead of the second moment; default false. */
        public Builder centered(boolean centered) {
            this.centered = centered;
            return this;
        }

        /** L2 penalty λ ≥ 0 added to the gradient; default 0. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting that is out of range */
        public RmsProp build() {
            return new RmsProp(this);
        }
    }
}
