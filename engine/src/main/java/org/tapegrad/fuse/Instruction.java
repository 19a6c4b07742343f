package org.tapegrad.fuse;

import org.tapegrad.kernel.Kernels;

/**
 * One coarse operation of a fused step: a forward over the step's buffer table and its VJP over the gradient table
 * (same indices; a {@code float[]} table of each on a float32 tape; a null gradient array means "nothing needs this gradient", and a VJP skips it). Each instruction
 * writes a fresh region in forward and <em>adds</em> into gradients in backward, like an {@link org.tapegrad.op.Op}.
 */
abstract class Instruction {

    /** Computes this instruction's result from {@code values}. */
    abstract void forward(double[][] values, Kernels kernels);

    /** Adds this instruction's VJP into {@code grads}, reading the forward's {@code values}. */
    abstract void backward(double[][] values, double[][] grads, Kernels kernels);

    /** {@link #forward} on a float32 tape: the same loop over {@code float[]}. */
    abstract void forward32(float[][] values, Kernels kernels);

    /** {@link #backward} on a float32 tape. */
    abstract void backward32(float[][] values, float[][] grads, Kernels kernels);

    /**
     * How many columns this instruction's work splits into (0: it is not split, as a product, which splits itself):
     * the range versions below then compute columns {@code [from, to)} of every region it reads and writes, column
     * {@code j} of each region in one pass, so that blocks of columns may run on different threads.
     */
    int splitColumns() {
        return 0;
    }

    /**
     * Every region a split instruction reads or writes (in forward and, by the same references, in backward), the one
     * it writes last.
     */
    Ref[] regions() {
        return new Ref[0];
    }

    /**
     * The regions forward reads, whose gradients backward adds into: for a split instruction every region but the
     * last; an instruction that is not split says its own.
     */
    Ref[] operands() {
        Ref[] r = regions();
        return java.util.Arrays.copyOf(r, Math.max(0, r.length - 1));
    }

    void forward(double[][] values, Kernels kernels, int from, int to) {
        throw new UnsupportedOperationException(describe() + ": not split by columns");
    }

    void backward(double[][] values, double[][] grads, Kernels kernels, int from, int to) {
        throw new UnsupportedOperationException(describe() + ": not split by columns");
    }

    void forward32(float[][] values, Kernels kernels, int from, int to) {
        throw new UnsupportedOperationException(describe() + ": not split by columns");
    }

    void backward32(float[][] values, float[][] grads, Kernels kernels, int from, int to) {
        throw new UnsupportedOperationException(describe() + ": not split by columns");
    }

    /** Work units per element ({@link org.tapegrad.kernel.SplitWork}'s): what deciding to split a run weighs. */
    int cost() {
        return org.tapegrad.kernel.SplitWork.ARITHMETIC;
    }

    /** One line for {@link FusedStep#describe()}. */
    abstract String describe();

    static double[] array(double[][] table, Ref r) {
        return table[r.buffer().index];
    }

    static float[] array(float[][] table, Ref r) {
        return table[r.buffer().index];
    }
}
