package org.tapegrad.layers.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;

/**
 * Every optimizer against a reference written here from the published update rules (PyTorch's documentation
 * pseudo-code; Adam in the paper's m̂/v̂ form), over random gradients, hyper-parameters and several steps.
 */
class OptimizerProperties {

    private static final double TOLERANCE = 1e-12;

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Scenario.arbitrary();
    }

    @Property(tries = 300)
    void sgdFollowsReference(@ForAll("scenarios") Scenario s,
            @ForAll @Scale(12) @DoubleRange(min = 1e-3, max = 1) double lr,
            @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.99) double momentum,
            @ForAll @Scale(12) @DoubleRange(min = 0, max = 1) double dampening,
            @ForAll boolean nesterov,
            @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.1) double weightDecay) {
        double damp = nesterov ? 0 : dampening;
        Assume.that(!nesterov || momentum > 0);
        double[] actual = s.run(Sgd.builder(lr).momentum(momentum).dampening(damp).nesterov(nesterov)
                .weightDecay(weightDecay).build());

        double[] theta = s.initial().clone();
        double[] buf = new double[theta.length];
        int t = 0;
        for (double[] grad : s.gradients()) {
            t++;
            for (int i = 0; i < theta.length; i++) {
                double g = grad[i] + weightDecay * theta[i];
                if (momentum != 0) {
                    buf[i] = t == 1 ? g : momentum * buf[i] + (1 - damp) * g;
                    g = nesterov ? g + momentum * buf[i] : buf[i];
                }
                theta[i] = theta[i] - lr * g;
            }
        }
        assertClose(theta, actual);
    }

    @Property(tries = 300)
    void rmsPropFollowsReference(@ForAll("scenarios") Scenario s,
            @ForAll @Scale(12) @DoubleRange(min = 1e-3, max = 0.1) double lr,
            @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.999) double alpha,
            @ForAll @Scale(12) @DoubleRange(min = 1e-8, max = 1e-2) double eps,
            @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.9) double momentum,
            @ForAll boolean centered,
            @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.1) double weightDecay) {
        double[] actual = s.run(RmsProp.builder(lr).decay(alpha).epsilon(eps).momentum(momentum).centered(centered)
                .weightDecay(weightDecay).build());

        double[] theta = s.initial().clone();
        double[] v = new double[theta.length];
        double[] gAvg = new double[theta.length];
        double[] b = new double[theta.length];
        for (double[] grad : s.gradients()) {
            for (int i = 0; i < theta.length; i++) {
                double g = grad[i] + weightDecay * theta[i];
                v[i] = alpha * v[i] + (1 - alpha) * g * g;
                double vTilde = v[i];
                if (centered) {
                    gAvg[i] = alpha * gAvg[i] + (1 - alpha) * g;
                    vTilde = v[i] - gAvg[i] * gAvg[i];
                }
                double root = Math.sqrt(Math.max(vTilde, 0)) + eps;
                if (momentum > 0) {
                    b[i] = momentum * b[i] + g / root;
                    theta[i] = theta[i] - lr * b[i];
                } else {
                    // lr·(g/root), not (lr·g)/root: with decay ≈ 0 the centered variance s − a² is pure rounding noise,
                    // so the reference must round exactly like the formula it checks
                    theta[i] = theta[i] - lr * (g / root);
                }
            }
        }
        assertClose(theta, actual);
    }

    @Property(tries = 300)
    void adamFollowsReference(@ForAll("scenarios") Scenario s,
            @ForAll @Scale(12) @DoubleRange(min = 1e-4, max = 0.1) double lr,
            @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.99) double beta1,
            @ForAll @Scale(12) @DoubleRange(min = 0.5, max = 0.9999) double beta2,
            @ForAll @Scale(12) @DoubleRange(min = 1e-8, max = 1e-3) double eps,
            @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.1) double weightDecay,
            @ForAll boolean decoupled) {
        double[] actual = s.run(Adam.builder(lr).betas(beta1, beta2).epsilon(eps).weightDecay(weightDecay)
                .decoupledWeightDecay(decoupled).build());

        double[] theta = s.initial().clone();
        double[] m = new double[theta.length];
        double[] v = new double[theta.length];
        int t = 0;
        for (double[] grad : s.gradients()) {
            t++;
            for (int i = 0; i < theta.length; i++) {
                double g = grad[i];
                if (decoupled) {
                    theta[i] = theta[i] - lr * weightDecay * theta[i];
                } else {
                    g += weightDecay * theta[i];
                }
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double mHat = m[i] / (1 - Math.pow(beta1, t));
                double vHat = v[i] / (1 - Math.pow(beta2, t));
                theta[i] = theta[i] - lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        assertClose(theta, actual);
    }

    @Property(tries = 300)
    void adagradFollowsReference(@ForAll("scenarios") Scenario s,
            @ForAll @Scale(12) @DoubleRange(min = 1e-3, max = 1) double lr,
            @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.5) double lrDecay,
            @ForAll @Scale(12) @DoubleRange(min = 0, max = 1) double initialAccumulator,
            @ForAll @Scale(12) @DoubleRange(min = 1e-10, max = 1e-3) double eps,
            @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.1) double weightDecay) {
        double[] actual = s.run(Adagrad.builder(lr).learningRateDecay(lrDecay).initialAccumulator(initialAccumulator)
                .epsilon(eps).weightDecay(weightDecay).build());

        double[] theta = s.initial().clone();
        double[] sum = new double[theta.length];
        java.util.Arrays.fill(sum, initialAccumulator);
        int t = 0;
        for (double[] grad : s.gradients()) {
            t++;
            double clr = lr / (1 + (t - 1) * lrDecay);
            for (int i = 0; i < theta.length; i++) {
                double g = grad[i] + weightDecay * theta[i];
                sum[i] = sum[i] + g * g;
                theta[i] = theta[i] - clr * g / (Math.sqrt(sum[i]) + eps);
            }
        }
        assertClose(theta, actual);
    }

    private static void assertClose(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            double tol = TOLERANCE * Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, "element " + i);
        }
    }
}
