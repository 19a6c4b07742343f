package org.tapegrad.layers.optim;



/**
 * Adam with bias correction, in PyTorch's formula ({@code torch.optim.Adam}, amsgrad off), element-wise, with
 * {@code t} the parameter's own step count (starting at 1):
 * <pre>
 * g  = ∇θ + λ·θ                         (L2 weight decay λ, unless decoupled)
 * m  = β1·m + (1 − β1)·g
 * v  = β2·v + (1 − β2)·g²
 * θ ← θ − (η / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * </pre>
 * With {@link Builder#decoupledWeightDecay(boolean)} the decay is AdamW's instead: {@code θ ← θ·(1 − ηλ)} before
 * the update, and {@code g = ∇θ}. Never zeroes gradients; see {@link Optimizer}.
 */
public final class Adam extends PerParameterOptimizer<Adam.Moments> {

    private static final String NAME = "Adam";

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final boolean decoupled;

    static final class Moments {
        final double[] first;
        final double[] second;
        long steps;

        Moments(int size) {
            first = new double[size];
            second = new double[size];
        }
    }

    private Adam(Builder b) {
        super(NAME, b.learningRate);
        this.beta1 = HyperParameters.unitInterval(NAME, "beta1", b.beta1);
        this.beta2 = HyperParameters.unitInterval(NAME, "beta2", b.beta2);
        this.epsilon = HyperParameters.positive(NAME, "epsilon", b.epsilon);
        this.weightDecay = HyperParameters.nonNegative(NAME, "weightDecay", b.weightDecay);
        this.decoupled = b.decoupled;
    }

    /** Adam with PyTorch's defaults β1 0.9, β2 0.999, ε 1e-8, no weight decay. */
    public static Adam of(double learningRate) {
        return builder(learningRate).build();
    }

    /** A builder with PyTorch's defaults β1 0.9, β2 0.999, ε 1e-8, no weight decay. */
    public static Builder builder(double learningRate) {
        return new Builder(learningRate);
    }

    @Override
    protected Moments newState(int size) {
        return new Moments(size);
    }

    @Override
    protected SlotValues exportState(Moments moments) {
        return SlotValues.of(moments.steps, "first", moments.first.clone(), "second", moments.second.clone());
    }

    @Override
    protected Moments importState(int size, SlotValues saved) {
        Moments moments = new Moments(size);
        saved.copyInto("first", moments.first);
        saved.copyInto("second", moments.second);
        moments.steps = saved.steps();
        return moments;
    }

    @Override
    protected void update(double[] theta, double[] grad, Moments moments) {
        long t = ++moments.steps;
        double stepSize = learningRate() / (1 - Math.pow(beta1, t));
        double secondCorrectionRoot = Math.sqrt(1 - Math.pow(beta2, t));
        double l2 = decoupled ? 0 : weightDecay;
        double shrink = decoupled ? 1 - learningRate() * weightDecay : 1;
        double[] m = moments.first;
        double[] v = moments.second;
        for (int i = 0; i < theta.length; i++) {
            double g = grad[i] + l2 * theta[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            double denominator = Math.sqrt(v[i]) / secondCorrectionRoot + epsilon;
            theta[i] = theta[i] * shrink - stepSize * m[i] / denominator;
        }
    }

    @Override
    public String toString() {
        return "Adam(lr=" + learningRate() + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon
                + ", weightDecay=" + weightDecay + (decoupled ? " decoupled" : "") + ")";
    }

    /** Settings of an {@link Adam}; validated by {@link #build()}. */
    public static final class Builder {
        private final double learningRate;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private double weightDecay;
        private boolean decoupled;

        private Builder(double learningRate) {
            this.learningRate = learningRate;
        }

        /** Decay rates β1, β2 in [0, 1) of the first and second moment; default 0.9, 0.999. */
        public Builder betas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /** ε &gt; 0 added to the corrected root second moment; default 1e-8. */
        public Builder epsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** Weight decay λ ≥ 0; an L2 term in the gradient unless {@link #decoupledWeightDecay}; default 0. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** AdamW: shrink θ by {@code 1 − ηλ} instead of adding λθ to the gradient; default false. */
        public Builder decoupledWeightDecay(boolean decoupled) {
            this.decoupled = decoupled;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting that is out of range */
        public Adam build() {
            return new Adam(this);
        }
    }
}
