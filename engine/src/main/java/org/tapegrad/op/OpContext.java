package org.tapegrad.op;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;

/**
 * What an {@link Op} sees of one recorded application: its inputs, its output, the tape's kernels and, during
 * backward, the gradients. All stores are column-major {@link R064Store}s: element {@code (i, j)} of an {@code r×c}
 * store is {@code data[i + j·r]}.
 */
public interface OpContext {

    /** Number of inputs. */
    int arity();

    /** Value of input {@code i}. Read only: ops must never write into their inputs. */
    R064Store input(int i);

    /** The output buffer (forward writes it, backward reads it). */
    R064Store output();

    /** The GEMM and activation kernels of the tape this op is recorded on. */
    Kernels kernels();

    /** A pooled buffer of the given shape, with undefined content, valid until the tape is reset. */
    R064Store scratch(int rows, int cols);

    /**
     * The gradient of the output being replayed with respect to this op's output (backward only).
     *
     * @throws IllegalStateException during forward
     */
    R064Store outputGrad();

    /** Whether input {@code i} needs a gradient; VJPs skip the work for inputs that do not. */
    boolean needsGrad(int i);

    /**
     * The gradient buffer of input {@code i}, zero on first request, into which the VJP must add (backward only).
     *
     * @throws IllegalStateException during forward, or if input {@code i} does not need a gradient
     */
    R064Store inputGrad(int i);
}
