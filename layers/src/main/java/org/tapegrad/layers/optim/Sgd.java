package org.tapegrad.layers.optim;



/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay — PyTorch's
 * {@code torch.optim.SGD} rule, element-wise, with {@code t} the parameter's own step count:
 * <pre>
 * g  = ∇θ + λ·θ                          (λ = weightDecay)
 * b  = g                      if t = 1   (momentum buffer, only when μ &gt; 0)
 * b  = μ·b + (1 − τ)·g        if t &gt; 1   (μ = momentum, τ = dampening)
 * d  = g + μ·b  if nesterov,  else b     (d = g when μ = 0)
 * θ ← θ − η·d                            (η = learningRate)
 * </pre>
 * Never zeroes gradients; see {@link Optimizer} for the shared contract.
 */
public final class Sgd extends PerParameterOptimizer<Sgd.Buffer> {

    private static final String NAME = "Sgd";

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;

    static final class Buffer {
        final double[] velocity;
        boolean started;

        Buffer(int size) {
            velocity = new double[size];
        }
    }

    private Sgd(Builder b) {
        super(NAME, b.learningRate);
        this.momentum = HyperParameters.unitInterval(NAME, "momentum", b.momentum);
        this.dampening = HyperParameters.closedUnitInterval(NAME, "dampening", b.dampening);
        this.nesterov = b.nesterov;
        this.weightDecay = HyperParameters.nonNegative(NAME, "weightDecay", b.weightDecay);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException(NAME + ": Nesterov momentum needs momentum > 0 and dampening = 0, got"
                    + " momentum " + momentum + ", dampening " + dampening);
        }
    }

    /** Plain SGD, {@code θ ← θ − η·∇θ}. */
    public static Sgd of(double learningRate) {
        return builder(learningRate).build();
    }

    /** A builder with momentum 0, dampening 0, no Nesterov, no weight decay. */
    public static Builder builder(double learningRate) {
        return new Builder(learningRate);
    }

    @Override
    protected Buffer newState(int size) {
        return new Buffer(size);
    }

    @Override
    protected SlotValues exportState(Buffer buffer) {
        return SlotValues.of(buffer.started ? 1 : 0, "velocity", buffer.velocity.clone());
    }

    /** Only whether the buffer has started matters to the rule, so a step count above 0 means started. */
    @Override
    protected Buffer importState(int size, SlotValues saved) {
        Buffer buffer = new Buffer(size);
        saved.copyInto("velocity", buffer.velocity);
        buffer.started = saved.steps() > 0;
        return buffer;
    }

    @Override
    protected boolean keepsState() {
        return momentum != 0;
    }

    @Override
    protected void update(double[] theta, double[] grad, Buffer buffer) {
        double eta = learningRate();
        if (buffer == null) {
            for (int i = 0; i < theta.length; i++) {
                theta[i] -= eta * (grad[i] + weightDecay * theta[i]);
            }
            return;
        }
        double[] v = buffer.velocity;
        boolean first = !buffer.started;
        buffer.started = true;
        for (int i = 0; i < theta.length; i++) {
            double g = grad[i] + weightDecay * theta[i];
            v[i] = first ? g : momentum * v[i] + (1 - dampening) * g;
            double d = nesterov ? g + momentum * v[i] : v[i];
            theta[i] -= eta * d;
        }
    }

    @Override
    public String toString() {
        return "Sgd(lr=" + learningRate() + ", momentum=" + momentum + ", dampening=" + dampening + ", nesterov="
                + nesterov + ", weightDecay=" + weightDecay + ")";
    }

    /** Settings of an {@link Sgd}; validated by {@link #build()}. */
    public static final class Builder {
        private final double learningRate;
        private double momentum;
        private double dampening;
        private boolean nesterov;
        private double weightDecay;

        private Builder(double learningRate) {
            this.learningRate = learningRate;
        }

        /** Momentum μ in [0, 1); 0 (the default) disables the velocity buffer. */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /** Dampening τ in [0, 1] of the gradient added to the velocity; default 0. */
        public Builder dampening(double dampening) {
            this.dampening = dampening;
            return this;
        }

        /** Nesterov momentum; needs momentum &gt; 0 and dampening 0. */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /** L2 penalty λ ≥ 0 added to the gradient ({@code g = ∇θ + λθ}); default 0. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting that is out of range */
        public Sgd build() {
            return new Sgd(this);
        }
    }
}
