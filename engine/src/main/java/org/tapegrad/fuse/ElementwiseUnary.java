package org.tapegrad.fuse;

import org.tapegrad.kernel.Kernels;

/**
 * {@code y = f(x)} element by element over one region; the VJP {@code x̄ += ȳ ⊙ f'(x)} reads {@code y} (sigmoid,
 * tanh, exp) or {@code x} (log, relu), both kept in the step's saved buffers. Same formulas and kernels as the
 * tape's unary ops, so the forward is bitwise the unfused one.
 */
final class ElementwiseUnary extends Instruction {

    enum Function { SIGMOID, TANH, EXP, LOG, RELU, AFFINE }

    private final Function function;
    private final double alpha;
    private final double beta;
    private final Ref x;
    private final Ref y;

    /** {@code alpha}, {@code beta}: the constants of {@code AFFINE}, {@code y = α·x + β}; ignored otherwise. */
    ElementwiseUnary(Function function, double alpha, double beta, Ref x, Ref y) {
        this.function = function;
        this.alpha = alpha;
        this.beta = beta;
        this.x = x;
        this.y = y;
    }

    @Override
    void forward(double[][] values, Kernels kernels) {
        double[] xs = array(values, x);
        double[] ys = array(values, y);
        int xo = x.offset();
        int yo = y.offset();
        int n = x.size();
        switch (function) {
            case SIGMOID -> kernels.activations().sigmoid(xs, xo, ys, yo, n);
            case TANH -> kernels.activations().tanh(xs, xo, ys, yo, n);
            case EXP -> kernels.activations().exp(xs, xo, ys, yo, n);
            case LOG -> {
                for (int i = 0; i < n; i++) {
                    ys[yo + i] = Math.log(xs[xo + i]);
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    double v = xs[xo + i];
                    ys[yo + i] = v > 0 ? v : 0.0;
                }
            }
            case AFFINE -> {
                for (int i = 0; i < n; i++) {
                    ys[yo + i] = alpha * xs[xo + i] + beta;
                }
            }
        }
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels) {
        double[] dx = array(grads, x);
        if (dx == null) {
            return;
        }
        double[] g = array(grads, y);
        double[] xs = array(values, x);
        double[] ys = array(values, y);
        int xo = x.offset();
        int yo = y.offset();
        int n = x.size();
        switch (function) {
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    double s = ys[yo + i];
                    dx[xo + i] += g[yo + i] * s * (1.0 - s);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    double t = ys[yo + i];
                    dx[xo + i] += g[yo + i] * (1.0 - t * t);
                }
            }
            case EXP -> {
                for (int i = 0; i < n; i++) {
                    dx[xo + i] += g[yo + i] * ys[yo + i];
                }
            }
            case LOG -> {
                for (int i = 0; i < n; i++) {
                    dx[xo + i] += g[yo + i] / xs[xo + i];
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    dx[xo + i] += xs[xo + i] > 0 ? g[yo + i] : 0.0;
                }
            }
            case AFFINE -> {
                for (int i = 0; i < n; i++) {
                    dx[xo + i] += alpha * g[yo + i];
                }
            }
        }
    }

    @Override
    String describe() {
        return function == Function.AFFINE ? "affine(" + alpha + "·x + " + beta + ") " + x.rows() + "×" + x.cols()
                : function.name().toLowerCase(java.util.Locale.ROOT) + " " + x.rows() + "×" + x.cols();
    }
}
