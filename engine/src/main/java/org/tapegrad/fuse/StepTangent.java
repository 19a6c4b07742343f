package org.tapegrad.fuse;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.tapegrad.op.ColumnSlice;
import org.tapegrad.op.Op;
import org.tapegrad.op.Shape;
import org.tapegrad.op.TangentContext;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Var;

/**
 * The tangent rule of a fused step: the tangent of the step it was compiled from. The traced program is kept as ops
 * over numbered slots (no trace values: they belong to the private tracing tape) and replayed through the context:
 * each op is recorded on the primal values rebuilt so far ({@code ctx.apply}), then asked for its own tangent rule
 * over those values and their tangents. The result is the unfused step's tangent, recorded as ops, so it is
 * differentiable (Hessian-vector products) and runs in the tape's element type like the ops themselves.
 *
 * <p>Cost: one unfused forward of the step (the primal values the tangent rules read) plus the tangent ops, i.e. what
 * the unfused cell costs forward mode; ops no new state part depends on are left out. The program's leaves are the
 * fused op's inputs: x, the state parts, a parameter read whole, or a parameter's columns of weights side by side (a
 * column slice of that input, whose tangent is the same slice of its tangent).
 */
final class StepTangent {

    /**
     * Where a leaf of the trace is among the fused op's inputs: input {@code input}, or the columns {@code slice} takes
     * of it (a parameter inside weights side by side; null: the whole input).
     */
    private record Leaf(int input, ColumnSlice slice) {
    }

    private final Leaf[] leaves;       // slots 0 .. leaves − 1
    private final Op<?>[] ops;         // op k writes slot leaves.length + k
    private final int[][] operands;    // slots op k reads
    private final boolean[] needed;    // the slot leads to a new state part
    private final int[] parts;         // slot of new state part k

    private StepTangent(Leaf[] leaves, Op<?>[] ops, int[][] operands, boolean[] needed, int[] parts) {
        this.leaves = leaves;
        this.ops = ops;
        this.operands = operands;
        this.needed = needed;
        this.parts = parts;
    }

    /**
     * The traced step as a replayable program over the compiled op's inputs.
     *
     * @param inputOf where the compiler bound each leaf it reads whole: the input buffer (indices fixed)
     * @param bindings what each input of the compiled op is bound to
     * @throws NotFusableException if a leaf is none of the op's inputs (the compiler rejects such steps before this)
     */
    static StepTangent of(String name, List<StepCompiler.Traced> trace, Map<Var, Binding> sources, Map<Var, Ref> inputOf,
            List<Binding> bindings, List<Var> outputs) throws NotFusableException {
        Map<Var, Integer> slots = new IdentityHashMap<>();
        for (StepCompiler.Traced t : trace) {
            slots.put(t.output(), -1);   // produced in the step: not a leaf
        }
        List<Leaf> leaves = new ArrayList<>();
        List<Var> read = new ArrayList<>();
        for (StepCompiler.Traced t : trace) {
            read.addAll(List.of(t.inputs()));
        }
        read.addAll(outputs);
        for (Var v : read) {
            if (!slots.containsKey(v)) {
                slots.put(v, leaves.size());
                leaves.add(leaf(name, v, sources, inputOf, bindings));
            }
        }
        int n = trace.size();
        Op<?>[] ops = new Op<?>[n];
        int[][] operands = new int[n][];
        for (int k = 0; k < n; k++) {
            StepCompiler.Traced t = trace.get(k);
            ops[k] = t.op();
            operands[k] = new int[t.inputs().length];
            for (int i = 0; i < operands[k].length; i++) {
                operands[k][i] = slots.get(t.inputs()[i]);
            }
            slots.put(t.output(), leaves.size() + k);
        }
        int[] parts = new int[outputs.size()];
        boolean[] needed = new boolean[leaves.size() + n];
        for (int k = 0; k < parts.length; k++) {
            parts[k] = slots.get(outputs.get(k));
            needed[parts[k]] = true;
        }
        for (int k = n - 1; k >= 0; k--) {
            if (needed[leaves.size() + k]) {
                for (int s : operands[k]) {
                    needed[s] = true;
                }
            }
        }
        return new StepTangent(leaves.toArray(new Leaf[0]), ops, operands, needed, parts);
    }

    private static Leaf leaf(String name, Var v, Map<Var, Binding> sources, Map<Var, Ref> inputOf, List<Binding> bindings)
            throws NotFusableException {
        Ref whole = inputOf.get(v);
        if (whole != null) {
            return new Leaf(whole.buffer().index, null);
        }
        if (sources.get(v) instanceof Binding.Param p) {
            for (int i = 0; i < bindings.size(); i++) {
                if (bindings.get(i) instanceof Binding.SideBySide side) {
                    int from = 0;
                    for (Parameter q : side.parameters()) {
                        if (q == p.parameter()) {
                            return new Leaf(i, new ColumnSlice(from, from + q.shape().cols()));
                        }
                        from += q.shape().cols();
                    }
                }
            }
        }
        throw new NotFusableException(name + ": the step reads a " + v.shape() + " value the fused op does not take as an input,"
                + " so its tangent could not be rebuilt");
    }

    /** The tangent of each new state part of the step recorded in {@code ctx}, null where it is zero. */
    @SuppressWarnings("unchecked")
    <V> V[] tangents(TangentContext<V> ctx) {
        int slots = leaves.length + ops.length;
        V[] values = (V[]) new Object[slots];
        V[] tangents = (V[]) new Object[slots];
        for (int s = 0; s < leaves.length; s++) {
            if (!needed[s]) {
                continue;
            }
            Leaf leaf = leaves[s];
            V in = ctx.input(leaf.input());
            V dIn = ctx.tangent(leaf.input());
            if (leaf.slice() == null) {
                values[s] = in;
                tangents[s] = dIn;
            } else {
                values[s] = ctx.apply(leaf.slice(), in);
                tangents[s] = dIn == null ? null : ctx.apply(leaf.slice(), dIn);
            }
        }
        Replayed<V> node = new Replayed<>(ctx, values, tangents);
        for (int k = 0; k < ops.length; k++) {
            int out = leaves.length + k;
            if (!needed[out]) {
                continue;
            }
            int[] in = operands[k];
            V[] args = (V[]) new Object[in.length];
            boolean moving = false;
            for (int i = 0; i < in.length; i++) {
                args[i] = values[in[i]];
                moving |= tangents[in[i]] != null;
            }
            values[out] = ctx.apply(ops[k], args);
            if (moving) {   // as forward mode does: an op whose inputs all have zero tangents is not asked
                tangents[out] = ops[k].tangent(node.bind(in, out));
            }
        }
        V[] result = (V[]) new Object[parts.length];
        for (int k = 0; k < parts.length; k++) {
            result[k] = tangents[parts[k]];
        }
        return result;
    }

    /** One traced op's view of the replay: its inputs and output are slots, everything recorded goes to the outer context. */
    private static final class Replayed<V> implements TangentContext<V> {

        private final TangentContext<V> outer;
        private final V[] values;
        private final V[] tangents;
        private int[] in;
        private int out;

        Replayed(TangentContext<V> outer, V[] values, V[] tangents) {
            this.outer = outer;
            this.values = values;
            this.tangents = tangents;
        }

        Replayed<V> bind(int[] in, int out) {
            this.in = in;
            this.out = out;
            return this;
        }

        @Override
        public int arity() {
            return in.length;
        }

        @Override
        public V input(int i) {
            return values[in[i]];
        }

        @Override
        public V output() {
            return values[out];
        }

        @Override
        public V tangent(int i) {
            return tangents[in[i]];
        }

        @Override
        public Shape shape(V value) {
            return outer.shape(value);
        }

        @SafeVarargs
        @Override
        public final V apply(Op<?> op, V... inputs) {
            return outer.apply(op, inputs);
        }

        @Override
        public V zeros(Shape shape) {
            return outer.zeros(shape);
        }

        @Override
        public V constant(Shape shape, double[] columnMajor) {
            return outer.constant(shape, columnMajor);
        }
    }
}
