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
    private final float alpha32;
    private final float beta32;
    private final Ref x;
    private final Ref y;
    private final boolean inPlace;

    /** {@code alpha}, {@code beta}: the constants of {@code AFFINE}, {@code y = α·x + β}; ignored otherwise. */
    ElementwiseUnary(Function function, double alpha, double beta, Ref x, Ref y) {
        this.function = function;
        this.alpha = alpha;
        this.beta = beta;
        this.alpha32 = (float) alpha;
        this.beta32 = (float) beta;
        this.x = x;
        this.y = y;
        this.inPlace = x.equals(y);
        if (inPlace && !canRunInPlace(function)) {
            throw new IllegalArgumentException(function + " needs its input in backward; it cannot overwrite it");
        }
    }

    /**
     * Whether {@code y} may overwrite {@code x} (when nothing else reads x): the VJP then needs only y, and x's
     * gradient, read by no one else either, becomes {@code ȳ ⊙ f'(x)} in place.
     */
    static boolean canRunInPlace(Function function) {
        return function != Function.LOG && function != Function.RELU;
    }

    @Override
    void forward(double[][] values, Kernels kernels) {
        forward(values, kernels, 0, x.cols());
    }

    @Override
    void forward(double[][] values, Kernels kernels, int from, int to) {
        double[] xs = array(values, x);
        double[] ys = array(values, y);
        int xo = x.offset() + from * x.rows();
        int yo = y.offset() + from * y.rows();
        int n = (to - from) * x.rows();
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
        backward(values, grads, kernels, 0, x.cols());
    }

    @Override
    void backward(double[][] values, double[][] grads, Kernels kernels, int from, int to) {
        double[] dx = array(grads, x);
        if (dx == null) {
            return;
        }
        double[] g = array(grads, y);
        if (inPlace) {
            backwardInPlace(kernels, g, array(values, y), y.offset() + from * y.rows(), (to - from) * y.rows());
            return;
        }
        double[] xs = array(values, x);
        double[] ys = array(values, y);
        int xo = x.offset() + from * x.rows();
        int yo = y.offset() + from * y.rows();
        int n = (to - from) * x.rows();
        switch (function) {
            case SIGMOID -> kernels.activations().sigmoidGradient(g, yo, ys, yo, dx, xo, n, true);
            case TANH -> kernels.activations().tanhGradient(g, yo, ys, yo, dx, xo, n, true);
            case EXP -> kernels.activations().addProduct(g, yo, ys, yo, dx, xo, n);
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

    /** {@code x̄ = ȳ ⊙ f'(x)} over the one gradient region x and y share (x has no other consumer). */
    private void backwardInPlace(Kernels kernels, double[] g, double[] ys, int o, int n) {
        switch (function) {
            case SIGMOID -> kernels.activations().sigmoidGradient(g, o, ys, o, g, o, n, false);
            case TANH -> kernels.activations().tanhGradient(g, o, ys, o, g, o, n, false);
            case EXP -> kernels.activations().multiply(g, o, ys, o, g, o, n);
            case AFFINE -> {
                for (int i = 0; i < n; i++) {
                    g[o + i] *= alpha;
                }
            }
            default -> throw new IllegalStateException(function + " does not run in place");
        }
    }

    @Override
    void forward32(float[][] values, Kernels kernels) {
        forward32(values, kernels, 0, x.cols());
    }

    @Override
    void forward32(float[][] values, Kernels kernels, int from, int to) {
        float[] xs = array(values, x);
        float[] ys = array(values, y);
        int xo = x.offset() + from * x.rows();
        int yo = y.offset() + from * y.rows();
        int n = (to - from) * x.rows();
        switch (function) {
            case SIGMOID -> kernels.activations().sigmoid(xs, xo, ys, yo, n);
            case TANH -> kernels.activations().tanh(xs, xo, ys, yo, n);
            case EXP -> kernels.activations().exp(xs, xo, ys, yo, n);
            case LOG -> {
                for (int i = 0; i < n; i++) {
                    ys[yo + i] = (float) Math.log(xs[xo + i]);
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    float v = xs[xo + i];
                    ys[yo + i] = v > 0 ? v : 0f;
                }
            }
            case AFFINE -> {
                for (int i = 0; i < n; i++) {
                    ys[yo + i] = alpha32 * xs[xo + i] + beta32;
                }
            }
        }
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels) {
        backward32(values, grads, kernels, 0, x.cols());
    }

    @Override
    void backward32(float[][] values, float[][] grads, Kernels kernels, int from, int to) {
        float[] dx = array(grads, x);
        if (dx == null) {
            return;
        }
        float[] g = array(grads, y);
        if (inPlace) {
            backwardInPlace32(kernels, g, array(values, y), y.offset() + from * y.rows(), (to - from) * y.rows());
            return;
        }
        float[] xs = array(values, x);
        float[] ys = array(values, y);
        int xo = x.offset() + from * x.rows();
        int yo = y.offset() + from * y.rows();
        int n = (to - from) * x.rows();
        switch (function) {
            case SIGMOID -> kernels.activations().sigmoidGradient(g, yo, ys, yo, dx, xo, n, true);
            case TANH -> kernels.activations().tanhGradient(g, yo, ys, yo, dx, xo, n, true);
            case EXP -> kernels.activations().addProduct(g, yo, ys, yo, dx, xo, n);
            case LOG -> {
                for (int i = 0; i < n; i++) {
                    dx[xo + i] += g[yo + i] / xs[xo + i];
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    dx[xo + i] += xs[xo + i] > 0 ? g[yo + i] : 0f;
                }
            }
            case AFFINE -> {
                for (int i = 0; i < n; i++) {
                    dx[xo + i] += alpha32 * g[yo + i];
                }
            }
        }
    }

    private void backwardInPlace32(Kernels kernels, float[] g, float[] ys, int o, int n) {
        switch (function) {
            case SIGMOID -> kernels.activations().sigmoidGradient(g, o, ys, o, g, o, n, false);
            case TANH -> kernels.activations().tanhGradient(g, o, ys, o, g, o, n, false);
            case EXP -> kernels.activations().multiply(g, o, ys, o, g, o, n);
            case AFFINE -> {
                for (int i = 0; i < n; i++) {
                    g[o + i] *= alpha32;
                }
            }
            default -> throw new IllegalStateException(function + " does not run in place");
        }
    }

    @Override
    int splitColumns() {
        return x.cols();
    }

    @Override
    int cost() {
        return function == Function.SIGMOID || function == Function.TANH || function == Function.EXP || function == Function.LOG
                ? org.tapegrad.kernel.SplitWork.TRANSCENDENTAL : org.tapegrad.kernel.SplitWork.ARITHMETIC;
    }

    @Override
    Ref[] regions() {
        return new Ref[] {x, y};
    }

    @Override
    String describe() {
        return function == Function.AFFINE ? "affine(" + alpha + "·x + " + beta + ") " + x.rows() + "×" + x.cols()
                : function.name().toLowerCase(java.util.Locale.ROOT) + (inPlace ? " in place " : " ") + x.rows() + "×" + x.cols();
    }
}
