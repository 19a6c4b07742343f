package org.tapegrad.fuse;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.tapegrad.op.ColumnSlice;
import org.tapegrad.op.DType;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.Ops;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * One step of a recurrent cell, traced once and rewritten into a single tape op (record-time fusion). {@link #compile}
 * runs the step on a private tape with a listener installed, and rewrites what it saw ({@link StepCompiler}): products
 * sharing their left operands become one product against the weights side by side, element-wise ops become one
 * instruction each over one arena, slices become views. {@link #apply} then records, per time step, that one op,
 * whose output is the first new state part, and, when there are several parts, one small op per other part that hands
 * it out from the step's own buffer ({@link FusedStepPart}); backward is its VJP, the instructions' VJPs in reverse.
 * Forward mode (JVPs, Hessian-vector and Gauss-Newton products) gets the traced step's tangent: the fused op's tangent
 * rule replays the traced ops and their own tangent rules ({@link StepTangent}), at the unfused step's cost.
 *
 * <p>The weights side by side ({@code [W_f | W_i | …]}) are derived values: recorded with {@code concatColumns} once per
 * recording of a tape (the first step after each {@link Tape#reset}), so they follow every parameter update, and
 * that op's VJP splits the accumulated gradient back into each parameter exactly.
 *
 * <p>Exact: every instruction computes the formula of the op it replaces with the same kernels; only the order of
 * additions inside a sum of products (and of gradients into one buffer) differs, so values and gradients equal the
 * unfused tape's within rounding.
 *
 * <p>It runs on float64 and float32 tapes alike (each instruction has a loop per element type, reductions in double as
 * the tape's own ops do). A {@code FusedStep} may be shared between threads: the per-recording weights are kept per thread.
 */
public final class FusedStep {

    private final FusedStepOp op;
    private final Binding[] bindings;
    private final Shape input;
    private final List<Shape> state;
    private final ThreadLocal<Var[]> sideBySide;
    private final FusedStepPart[] parts;   // state parts 2.., each handed out by an op of its own

    private FusedStep(StepCompiler.Compiled compiled, Shape input, List<Shape> state) {
        this.op = compiled.op();
        this.bindings = compiled.bindings().toArray(new Binding[0]);
        this.input = input;
        this.state = List.copyOf(state);
        this.sideBySide = ThreadLocal.withInitial(() -> new Var[bindings.length]);
        this.parts = new FusedStepPart[state.size() - 1];
        for (int k = 1; k < state.size(); k++) {
            parts[k - 1] = new FusedStepPart(op, k - 1, state.get(0), state.get(k));
        }
    }

    /**
     * Traces {@code step} for an input of shape {@code input} and state parts of shapes {@code state}, and rewrites it.
     *
     * @param name names the fused op in errors and anomaly reports
     * @param parameters every parameter the step reads (the cell's parameters)
     * @throws NotFusableException naming what the step uses that the rewriter does not know
     */
    public static FusedStep compile(String name, StepFunction step, List<Parameter> parameters, Shape input, List<Shape> state)
            throws NotFusableException {
        return compile(name, step, parameters, input, state, Schedule.DEFAULT);
    }

    /** {@link #compile(String, StepFunction, List, Shape, List)} with the element-wise work run as {@code schedule} says. */
    static FusedStep compile(String name, StepFunction step, List<Parameter> parameters, Shape input, List<Shape> state, Schedule schedule)
            throws NotFusableException {
        Objects.requireNonNull(step, "step");
        // traced in the parameters' element type (a tape takes only parameters of its own); the program runs in either
        Tape tape = new Tape(parameters.isEmpty() ? DType.F64 : parameters.get(0).dtype());
        Map<Var, Binding> sources = new IdentityHashMap<>();
        Var x = tape.filled(input.rows(), input.cols(), 0.5);
        sources.put(x, new Binding.Input());
        List<Var> parts = new ArrayList<>(state.size());
        for (int k = 0; k < state.size(); k++) {
            Var part = tape.filled(state.get(k).rows(), state.get(k).cols(), 0.5);
            parts.add(part);
            sources.put(part, new Binding.StatePart(k));
        }
        for (Parameter p : parameters) {
            sources.put(tape.param(p), new Binding.Param(p));
        }
        List<StepCompiler.Traced> trace = new ArrayList<>();
        tape.listen((op, inputs, output) -> trace.add(new StepCompiler.Traced(op, inputs, output)));
        List<Var> next = step.step(tape, x, parts);
        tape.listen(null);
        if (next.size() != state.size()) {
            throw new IllegalArgumentException(name + ": the step returned " + next.size() + " state parts for " + state.size() + " in");
        }
        for (int k = 0; k < next.size(); k++) {
            if (!next.get(k).shape().equals(state.get(k))) {
                throw new IllegalArgumentException(name + ": state part " + k + " comes in as " + state.get(k) + " and goes out as " + next.get(k).shape());
            }
        }
        StepCompiler compiler = new StepCompiler("fused(" + name + ")", trace, sources, next, input.rows(), schedule);
        return new FusedStep(compiler.compile(), input, state);
    }

    /**
     * Records one fused step on {@code tape}: the same new state (values and gradients, within rounding) as the traced
     * step function would record.
     *
     * @throws IllegalArgumentException if the shapes differ from the ones compiled for
     */
    public List<Var> apply(Tape tape, Var x, List<Var> state) {
        if (!x.shape().equals(input) || state.size() != this.state.size()) {
            throw new IllegalArgumentException(op.name() + ": compiled for an input " + input + " and " + this.state.size()
                    + " state parts, got " + x.shape() + " and " + state.size());
        }
        Var[] inputs = new Var[bindings.length];
        Var[] cache = null;   // looked up only for a step that has weights side by side
        for (int i = 0; i < bindings.length; i++) {
            Binding b = bindings[i];
            if (b instanceof Binding.Input) {
                inputs[i] = x;
            } else if (b instanceof Binding.StatePart s) {
                inputs[i] = state.get(s.index());
            } else if (b instanceof Binding.Param p) {
                inputs[i] = tape.param(p.parameter());
            } else {
                if (cache == null) {
                    cache = sideBySide.get();
                }
                inputs[i] = sideBySide(tape, ((Binding.SideBySide) b).parameters(), cache, i);
            }
        }
        separateRepeatedInputs(tape, inputs);
        Var first = tape.apply(op, inputs);
        if (parts.length == 0) {
            return List.of(first);
        }
        List<Var> next = new ArrayList<>(state.size());
        next.add(first);
        for (FusedStepPart part : parts) {
            next.add(tape.apply(part, first));
        }
        return next;
    }

    /**
     * One value given for two inputs (a state part passed as x too, say) would give the step two buffers over one
     * gradient array, which column blocks of one run may update at once from different columns; the repeat is
     * recorded as a copy of its own (a whole-width column slice, whose VJP adds the gradient back), so every input has
     * a gradient of its own. Rare, and a few comparisons per step to rule out.
     */
    private static void separateRepeatedInputs(Tape tape, Var[] inputs) {
        for (int i = 1; i < inputs.length; i++) {
            for (int j = 0; j < i; j++) {
                if (inputs[i] == inputs[j]) {
                    inputs[i] = tape.apply(new ColumnSlice(0, inputs[i].cols()), inputs[i]);
                    break;
                }
            }
        }
    }

    /**
     * The weights side by side for this recording: recorded on the first step after a reset (the parameters' leaves
     * are new then), and again when recording was switched on or off since, so gradients flow exactly when they would.
     */
    private static Var sideBySide(Tape tape, List<Parameter> parameters, Var[] cache, int i) {
        Var cached = cache[i];
        if (cached != null && cached.tape() == tape && cached.isValid() && cached.requiresGrad() == tape.isRecording()) {
            return cached;
        }
        Var[] leaves = new Var[parameters.size()];
        for (int k = 0; k < leaves.length; k++) {
            leaves[k] = tape.param(parameters.get(k));
        }
        Var v = Ops.concatColumns(leaves);
        cache[i] = v;
        return v;
    }

    /** The rewritten program, one instruction per line (for tests and the curious). */
    public String describe() {
        return op.describe();
    }

    /** Products (GEMM instructions) per step, after grouping: 1 for an LSTM written with one matmul per gate and input. */
    public long products() {
        return op.products();
    }

    /** Doubles one step keeps for backward besides its inputs and output. */
    public long savedElementsPerStep() {
        return op.savedElements();
    }
}
