package org.tapegrad.op;

import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.PackedOperand;

/**
 * What an {@link Op} sees of one recorded application: its inputs, its output, the tape's kernels and, during
 * backward, the gradients. All stores are column-major: element {@code (i, j)} of an {@code r×c} store is
 * {@code data[i + j·r]}.
 *
 * <p>Every store of one tape has the tape's element type {@link #dtype()}: {@link R064Store}s ({@code double[]}) on a
 * float64 tape, read through {@link #input}, {@link #output}, {@link #scratch}, {@link #outputGrad} and
 * {@link #inputGrad}; {@link R032Store}s ({@code float[]}) on a float32 tape, read through the methods of the same
 * name ending in {@code 32}. Scratch buffers of either type are available on both. An op that supports both branches once on {@code ctx.dtype()} and runs the loop of
 * that type; asking for the other type's view throws an {@link IllegalStateException} naming the op, so a custom op
 * written for float64 only fails clearly on a float32 tape instead of computing garbage.
 */
public interface OpContext {

    /** Number of inputs. */
    int arity();

    /** The element type of every store of this op: the tape's. */
    DType dtype();

    /** Value of input {@code i} on a float64 tape. Read only: ops must never write into their inputs. */
    R064Store input(int i);

    /** The output buffer on a float64 tape (forward writes it, backward reads it). */
    R064Store output();

    /** The GEMM and activation kernels of the tape this op is recorded on. */
    Kernels kernels();

    /**
     * A pooled float64 buffer of the given shape, with undefined content, valid until the tape is reset; available
     * on a float32 tape too, for accumulators that must be double.
     */
    R064Store scratch(int rows, int cols);

    /**
     * The gradient of the output being replayed with respect to this op's output (backward only, float64 tape).
     *
     * @throws IllegalStateException during forward
     */
    R064Store outputGrad();

    /** Whether input {@code i} needs a gradient; VJPs skip the work for inputs that do not. */
    boolean needsGrad(int i);

    /**
     * The gradient buffer of input {@code i}, zero on first request, into which the VJP must add (backward only,
     * float64 tape).
     *
     * @throws IllegalStateException during forward, or if input {@code i} does not need a gradient
     */
    R064Store inputGrad(int i);

    /** {@link #input} on a float32 tape. */
    R032Store input32(int i);

    /** {@link #output} on a float32 tape. */
    R032Store output32();

    /** A pooled float32 buffer, like {@link #scratch} (on either tape). */
    R032Store scratch32(int rows, int cols);

    /** {@link #outputGrad} on a float32 tape. */
    R032Store outputGrad32();

    /** {@link #inputGrad} on a float32 tape. */
    R032Store inputGrad32(int i);

    /**
     * Whether the VJP may hand the accumulation into input {@code i}'s gradient to {@link #deferGradient}: true only
     * in a pass that overlaps weight gradients with the rest of backward ({@code Tape.setOverlapWeightGradients}), for
     * a value (a parameter, or weights put side by side) whose every use on the recording is a slot of an op that
     * {@link Op#defersGradient defers}.
     */
    default boolean gradientDeferrable(int i) {
        return false;
    }

    /**
     * Runs {@code task}, which only adds into the gradient buffers of deferrable inputs ({@link #gradientDeferrable}),
     * after every task deferred before it, possibly on another thread and after this VJP has returned; the output
     * gradient and the inputs the task reads stay valid until it has run. The default runs it now.
     */
    default void deferGradient(Runnable task) {
        task.run();
    }

    /**
     * How many leading columns of an {@code n}-column accumulation into a deferrable gradient the VJP computes now,
     * on this thread, deferring only the rest ({@link WeightGradients}): the pass's balance between this thread and
     * the one that runs the deferred work. The same for every call of one pass, so that each column of a gradient is
     * accumulated on one thread in the pass's order; a multiple of {@link org.tapegrad.kernel.SplitWork#ALIGN}. The
     * default, 0, defers everything.
     */
    default int keptGradientColumns(int n) {
        return 0;
    }

    /**
     * Input {@code i} (or its transpose, when {@code transposed}) as the right operand {@code op(B)} of products with
     * {@code rows} rows of {@code C}, packed by the tape's GEMM kernel for the rest of the recording — from the
     * second time an op asks for it in that orientation, so that a weight multiplied at every step is packed once, not
     * read in place at every step — or null: on the first ask, where the kernel reads no panels, and by default.
     * Products through it ({@link org.tapegrad.kernel.GemmKernel#gemm(boolean, int, int, int, double[], PackedOperand,
     * double[], boolean)}) give the bits of products with the input itself.
     */
    default PackedOperand packedInput(int i, boolean transposed, int rows) {
        return null;
    }
}
