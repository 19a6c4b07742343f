package org.tapegrad.tape;

/**
 * A differentiable operation: its forward computation and its vector-Jacobian product (VJP) side by side.
 *
 * <p>This is also the custom-op API: implement it, then record it with {@link Tape#apply(Op, Var...)}; it is
 * replayed by {@link Tape#backward(Var)} and checked by {@link org.tapegrad.check.GradientCheck} like any built-in
 * op. Contract:
 * <ul>
 *   <li>{@link #outputShape} validates the inputs and throws {@link ShapeException} naming the op and all shapes;
 *   <li>{@link #forward} writes <em>every</em> element of {@link OpContext#output()} (buffers come dirty from a
 *       pool) and must not modify its inputs; anything else backward needs goes to {@link OpContext#save};
 *   <li>{@link #backward} <em>adds</em> {@code x̄ᵢ = J_iᵀ·ȳ} into {@link OpContext#inputGrad(int)} for each input
 *       with {@link OpContext#needsGrad(int)}, never overwrites, and skips inputs that do not need it.
 * </ul>
 * An op instance holds only its configuration (a constant, an index range); per-call state lives in the context,
 * so one instance may be recorded many times.
 */
public interface Op {

    /** Short name used in error messages and anomaly reports, e.g. {@code "matmul"}. */
    String name();

    /** The output shape for these input shapes; throws {@link ShapeException} when they are incompatible. */
    Shape outputShape(Shape... inputs);

    /** Computes the output from the inputs. */
    void forward(OpContext ctx);

    /** Accumulates the vector-Jacobian product into the gradients of the inputs that need one. */
    void backward(OpContext ctx);
}
