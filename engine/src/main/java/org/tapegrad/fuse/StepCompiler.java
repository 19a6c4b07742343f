package org.tapegrad.fuse;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.tapegrad.op.Add;
import org.tapegrad.op.Affine;
import org.tapegrad.op.ColumnSlice;
import org.tapegrad.op.Divide;
import org.tapegrad.op.Exp;
import org.tapegrad.op.Log;
import org.tapegrad.op.MatMul;
import org.tapegrad.op.Multiply;
import org.tapegrad.op.Op;
import org.tapegrad.op.Relu;
import org.tapegrad.op.ScaleShift;
import org.tapegrad.op.Shape;
import org.tapegrad.op.Sigmoid;
import org.tapegrad.op.Subtract;
import org.tapegrad.op.Tanh;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Var;

/**
 * Rewrites one traced step into a program of coarse instructions, in three passes over the trace:
 * <ol>
 *   <li><b>sums of products</b>: {@code a·W} (W a parameter) and {@code affine} start a sum; {@code add} of two sums,
 *       or of a sum and a {@code 1×n} parameter (a bias), extends it when the operand has no other consumer;
 *   <li><b>groups</b>: sums over the same left operands in the same order ({@code x·W_f + h·U_f + b_f},
 *       {@code x·W_i + h·U_i + b_i}, …) become one product against the weights side by side, each gate a column view;
 *   <li><b>emission</b>, in trace order: element-wise ops become one instruction each over regions of one arena, column
 *       slices become views, the new state parts are written straight where the op hands them out: the first into its
 *       output, each other into a whole buffer of its own that a {@link FusedStepPart} hands out.
 * </ol>
 * Anything else (an op it does not know, a broadcast other than a bias row, a value made inside the step that is not
 * an op's result) is a {@link NotFusableException} naming it. The trace itself is kept, as ops over numbered slots,
 * for the fused op's tangent rule ({@link StepTangent}).
 */
final class StepCompiler {

    /** One op applied during the trace. */
    record Traced(Op<?> op, Var[] inputs, Var output) {
    }

    /** {@code Σ_k left_k·weights_k + Σ biases}, the value of one traced var. */
    private static final class Sum {
        final List<Var> left = new ArrayList<>();
        final List<Parameter> weights = new ArrayList<>();
        final List<Parameter> biases = new ArrayList<>();
        final Shape shape;
        Group group;
        int column;

        Sum(Shape shape) {
            this.shape = shape;
        }

        Sum plus(Sum other, Shape shape) {
            Sum s = new Sum(shape);
            s.left.addAll(left);
            s.left.addAll(other.left);
            s.weights.addAll(weights);
            s.weights.addAll(other.weights);
            s.biases.addAll(biases);
            s.biases.addAll(other.biases);
            return s;
        }
    }

    /** Sums over the same left operands: one product instruction. */
    private static final class Group {
        final List<Var> left;
        final int biases;
        final int rows;
        final List<Sum> members = new ArrayList<>();
        int cols;
        Ref result;

        Group(Sum first) {
            this.left = first.left;
            this.biases = first.biases.size();
            this.rows = first.shape.rows();
        }

        boolean accepts(Sum s) {
            if (s.biases.size() != biases || s.shape.rows() != rows || s.left.size() != left.size()) {
                return false;
            }
            for (int k = 0; k < left.size(); k++) {
                if (s.left.get(k) != left.get(k)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Traced> trace;
    private final Map<Var, Binding> sources;
    private final List<Var> outputs;
    private final int batch;
    private final String name;
    private final Schedule schedule;

    private final Map<Var, Integer> uses = new IdentityHashMap<>();
    private final Map<Var, List<Traced>> consumers = new IdentityHashMap<>();
    private final Map<Var, Traced> producers = new IdentityHashMap<>();
    private final Map<Var, Sum> sums = new IdentityHashMap<>();
    private final Map<Var, Boolean> absorbed = new IdentityHashMap<>();
    private final Map<Var, Var[]> productSums = new IdentityHashMap<>();
    private final Map<Var, Boolean> productOperands = new IdentityHashMap<>();
    private final List<Group> groups = new ArrayList<>();

    private final List<Binding> bindings = new ArrayList<>();
    private final List<Buffer> inputBuffers = new ArrayList<>();
    private final Map<Var, Ref> sourceRefs = new IdentityHashMap<>();
    private final List<Buffer> ownBuffers = new ArrayList<>();
    private final Map<Var, Ref> refs = new IdentityHashMap<>();
    private final List<Instruction> code = new ArrayList<>();
    private Buffer output;
    private Buffer arena;
    private Ref[] partTargets;
    private boolean[] partPlaced;

    /**
     * @param sources the trace's leaves: x, the incoming state parts and the parameters' leaves
     * @param outputs the new state parts
     */
    StepCompiler(String name, List<Traced> trace, Map<Var, Binding> sources, List<Var> outputs, int batch, Schedule schedule) {
        this.name = name;
        this.schedule = schedule;
        this.trace = trace;
        this.sources = sources;
        this.outputs = outputs;
        this.batch = batch;
    }

    /** The program as one op, with what each of its inputs is bound to. */
    record Compiled(FusedStepOp op, List<Binding> bindings) {
    }

    Compiled compile() throws NotFusableException {
        countUses();
        findSums();
        findProductSums();
        groupSums();
        layOutOutput();
        for (Traced t : trace) {
            emit(t);
        }
        for (int k = 0; k < outputs.size(); k++) {
            Ref value = refOf(outputs.get(k));
            Ref target = partTargets[k];
            if (!value.equals(target)) {
                code.add(new Copy(value, target));
            }
        }
        List<Buffer> buffers = new ArrayList<>(inputBuffers);
        buffers.add(output);
        if (arena.cols > 0) {
            buffers.add(arena);
        }
        buffers.addAll(ownBuffers);
        for (int i = 0; i < buffers.size(); i++) {
            buffers.get(i).index = i;
        }
        Shape[] inputShapes = new Shape[inputBuffers.size()];
        for (int i = 0; i < inputShapes.length; i++) {
            inputShapes[i] = new Shape(inputBuffers.get(i).rows, inputBuffers.get(i).cols);
        }
        List<Buffer> parts = new ArrayList<>();
        for (int k = 1; k < partTargets.length; k++) {
            parts.add(partTargets[k].buffer());
        }
        StepTangent tangent = StepTangent.of(name, trace, sources, sourceRefs, bindings, outputs);
        FusedStepOp op = new FusedStepOp(name, inputShapes, new Shape(output.rows, output.cols), buffers, parts, code, schedule, tangent);
        return new Compiled(op, List.copyOf(bindings));
    }

    private void countUses() {
        for (Traced t : trace) {
            producers.put(t.output(), t);
            for (Var in : t.inputs()) {
                uses.merge(in, 1, Integer::sum);
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(t);
            }
        }
        for (Var out : outputs) {
            uses.merge(out, 1, Integer::sum);
        }
    }

    private Parameter parameterOf(Var v) {
        return sources.get(v) instanceof Binding.Param p ? p.parameter() : null;
    }

    /** The sum defining {@code v} when nothing but this consumer reads it, so it may be folded into the consumer. */
    private Sum foldable(Var v) {
        Sum s = sums.get(v);
        return s != null && uses.get(v) == 1 ? s : null;
    }

    private void findSums() {
        for (Traced t : trace) {
            Op<?> op = t.op();
            Var[] in = t.inputs();
            Var v = t.output();
            if (op == MatMul.PLAIN && parameterOf(in[1]) != null) {
                Sum s = new Sum(v.shape());
                s.left.add(in[0]);
                s.weights.add(parameterOf(in[1]));
                sums.put(v, s);
            } else if (op instanceof Affine) {
                Sum s = new Sum(v.shape());
                int pairs = (in.length - 1) / 2;
                boolean parameters = parameterOf(in[in.length - 1]) != null;
                for (int k = 0; k < pairs && parameters; k++) {
                    parameters = parameterOf(in[2 * k + 1]) != null;
                    s.left.add(in[2 * k]);
                    s.weights.add(parameterOf(in[2 * k + 1]));
                }
                if (parameters) {
                    s.biases.add(parameterOf(in[in.length - 1]));
                    sums.put(v, s);
                }
            } else if (op == Add.INSTANCE) {
                Sum a = foldable(in[0]);
                Sum b = foldable(in[1]);
                if (a != null && b != null && in[0] != in[1] && in[0].shape().equals(in[1].shape())) {
                    sums.put(v, a.plus(b, v.shape()));
                    absorbed.put(in[0], true);
                    absorbed.put(in[1], true);
                } else if (a != null && isBiasRow(in[1], v.shape())) {
                    Sum bias = new Sum(v.shape());
                    bias.biases.add(parameterOf(in[1]));
                    sums.put(v, a.plus(bias, v.shape()));
                    absorbed.put(in[0], true);
                } else if (b != null && in[0].shape().equals(in[1].shape()) && isBiasRow(in[0], v.shape())) {
                    Sum bias = new Sum(v.shape());
                    bias.biases.add(parameterOf(in[0]));
                    sums.put(v, b.plus(bias, v.shape()));
                    absorbed.put(in[1], true);
                }
            }
        }
    }

    /**
     * {@code a⊙b + c⊙d} written as two {@code times} and a {@code plus} (the state update of a gated cell as a user
     * writes it) becomes one product-sum pass when nothing else reads the two products: same roundings, one saved
     * buffer instead of three.
     */
    private void findProductSums() {
        for (Traced t : trace) {
            Var[] in = t.inputs();
            if (t.op() != Add.INSTANCE || in[0] == in[1] || absorbed.containsKey(t.output())) {
                continue;
            }
            Traced left = elementwiseProduct(in[0], t.output().shape());
            Traced right = elementwiseProduct(in[1], t.output().shape());
            if (left != null && right != null) {
                productSums.put(t.output(), new Var[] {left.inputs()[0], left.inputs()[1], right.inputs()[0], right.inputs()[1]});
                absorbed.put(in[0], true);
                absorbed.put(in[1], true);
            }
        }
    }

    /** The {@code times} producing {@code v}, when its operands have shape {@code shape} and only one op reads v. */
    private Traced elementwiseProduct(Var v, Shape shape) {
        if (uses.get(v) != 1 || absorbed.containsKey(v)) {
            return null;
        }
        Traced p = producerOf(v);
        if (p == null || p.op() != Multiply.INSTANCE) {
            return null;
        }
        return p.inputs()[0].shape().equals(shape) && p.inputs()[1].shape().equals(shape) ? p : null;
    }

    private boolean isBiasRow(Var v, Shape of) {
        return parameterOf(v) != null && v.rows() == 1 && v.cols() == of.cols();
    }

    private void groupSums() {
        for (Traced t : trace) {
            Sum s = sums.get(t.output());
            if (s == null || absorbed.containsKey(t.output())) {
                continue;
            }
            Group g = null;
            for (Group candidate : groups) {
                if (candidate.accepts(s)) {
                    g = candidate;
                    break;
                }
            }
            if (g == null) {
                g = new Group(s);
                groups.add(g);
                for (Var left : s.left) {
                    productOperands.put(left, true);
                }
            }
            s.group = g;
            s.column = g.cols;
            g.cols += s.shape.cols();
            g.members.add(s);
        }
    }

    private void layOutOutput() throws NotFusableException {
        partTargets = new Ref[outputs.size()];
        partPlaced = new boolean[outputs.size()];
        for (int k = 0; k < outputs.size(); k++) {
            Var part = outputs.get(k);
            if (part.rows() != batch) {
                throw new NotFusableException(name + ": state part " + k + " is " + part.shape() + ", expected " + batch + " rows");
            }
        }
        output = new Buffer(Buffer.Kind.OUTPUT, batch, outputs.get(0).cols());
        partTargets[0] = new Ref(output, 0, batch, output.cols);
        for (int k = 1; k < outputs.size(); k++) {
            partTargets[k] = new Ref(ownBuffer(batch, outputs.get(k).cols()), 0, batch, outputs.get(k).cols());
        }
        arena = new Buffer(Buffer.Kind.ARENA, 1, 0);
    }

    private void emit(Traced t) throws NotFusableException {
        Op<?> op = t.op();
        Var[] in = t.inputs();
        Var v = t.output();
        if (absorbed.containsKey(v)) {
            return;
        }
        Sum sum = sums.get(v);
        if (sum != null) {
            Group g = sum.group;
            if (g.result == null) {
                emitProducts(g);
            }
            refs.put(v, g.result.columns(sum.column, sum.column + v.cols()));
            return;
        }
        Var[] fourOperands = productSums.get(v);
        if (fourOperands != null) {
            code.add(new ProductSum(refOf(fourOperands[0]), refOf(fourOperands[1]), refOf(fourOperands[2]), refOf(fourOperands[3]), place(v)));
            return;
        }
        if (op instanceof ColumnSlice slice) {
            refs.put(v, refOf(in[0]).columns(slice.from(), slice.to()));
            return;
        }
        ElementwiseUnary.Function unary = unaryFunction(op);
        if (unary != null) {
            double alpha = op instanceof ScaleShift s ? s.alpha() : 1.0;
            double beta = op instanceof ScaleShift s ? s.beta() : 0.0;
            Ref x = refOf(in[0]);
            if (ElementwiseUnary.canRunInPlace(unary) && overwritable(in[0]) && !outputs.contains(v) && !productOperands.containsKey(v)) {
                refs.put(v, x);
                code.add(new ElementwiseUnary(unary, alpha, beta, x, x));
            } else {
                code.add(new ElementwiseUnary(unary, alpha, beta, x, place(v)));
            }
            return;
        }
        ElementwiseBinary.Operator binary = binaryOperator(op);
        if (binary != null) {
            Ref a = refOf(in[0]);
            Ref b = refOf(in[1]);
            boolean row = b.rows() == 1 && b.cols() == a.cols();
            if (!(b.rows() == a.rows() && b.cols() == a.cols()) && !row) {
                throw new NotFusableException(name + ": '" + op.name() + "' broadcasts " + in[1].shape() + " over " + in[0].shape()
                        + "; only a 1×n row is fused");
            }
            code.add(new ElementwiseBinary(binary, a, b, place(v)));
            return;
        }
        if (op == org.tapegrad.op.ProductSum.INSTANCE) {
            code.add(new ProductSum(refOf(in[0]), refOf(in[1]), refOf(in[2]), refOf(in[3]), place(v)));
            return;
        }
        for (Var operand : in) {
            refOf(operand);   // an unknown leaf is the better message
        }
        if (op instanceof MatMul || op instanceof Affine) {
            throw new NotFusableException(name + ": '" + op.name() + "' with a right operand computed in the step (products are fused"
                    + " when the right operand is a parameter, A·W)");
        }
        throw new NotFusableException(name + ": op '" + op.name() + "' is not one the rewriter knows");
    }

    /**
     * Whether a consumer of {@code v} may overwrite it: nothing else reads it, and its region is a gate of a product
     * (whose VJP does not read its result) or a slice of one that is only ever sliced, into disjoint column ranges.
     */
    private boolean overwritable(Var v) {
        if (uses.get(v) != 1) {
            return false;
        }
        if (isProductResult(v)) {
            return true;
        }
        Traced producer = producerOf(v);
        if (producer == null || !(producer.op() instanceof ColumnSlice)) {
            return false;
        }
        Var parent = producer.inputs()[0];
        if (!isProductResult(parent)) {
            return false;
        }
        List<Traced> readers = consumers.get(parent);
        for (Traced r : readers) {
            if (!(r.op() instanceof ColumnSlice)) {
                return false;
            }
        }
        for (int a = 0; a < readers.size(); a++) {
            for (int b = a + 1; b < readers.size(); b++) {
                ColumnSlice p = (ColumnSlice) readers.get(a).op();
                ColumnSlice q = (ColumnSlice) readers.get(b).op();
                if (p.from() < q.to() && q.from() < p.to()) {
                    return false;
                }
            }
        }
        return !outputs.contains(parent);
    }

    private boolean isProductResult(Var v) {
        return sums.containsKey(v) && !absorbed.containsKey(v) && !outputs.contains(v);
    }

    private Traced producerOf(Var v) {
        return producers.get(v);
    }

    private void emitProducts(Group g) throws NotFusableException {
        int terms = g.left.size();
        Ref[] left = new Ref[terms];
        Ref[] weights = new Ref[terms];
        for (int k = 0; k < terms; k++) {
            Ref a = refOf(g.left.get(k));
            if (!a.isWholeBuffer()) {
                Buffer own = ownBuffer(a.rows(), a.cols());
                Ref whole = new Ref(own, 0, a.rows(), a.cols());
                code.add(new Copy(a, whole));
                a = whole;
            }
            left[k] = a;
            List<Parameter> side = new ArrayList<>();
            for (Sum s : g.members) {
                side.add(s.weights.get(k));
            }
            weights[k] = sideBySide(side);
        }
        Ref[] biases = new Ref[g.biases];
        for (int l = 0; l < g.biases; l++) {
            List<Parameter> side = new ArrayList<>();
            for (Sum s : g.members) {
                side.add(s.biases.get(l));
            }
            biases[l] = sideBySide(side);
        }
        Buffer result = ownBuffer(g.rows, g.cols);
        g.result = new Ref(result, 0, g.rows, g.cols);
        code.add(new ProductGroup(left, weights, biases, g.result));
    }

    /** An input holding {@code [p₁ | p₂ | …]}: the parameter itself when there is one. */
    private Ref sideBySide(List<Parameter> parameters) throws NotFusableException {
        if (parameters.size() == 1) {
            for (Map.Entry<Var, Binding> e : sources.entrySet()) {
                if (e.getValue() instanceof Binding.Param p && p.parameter() == parameters.get(0)) {
                    return refOf(e.getKey());
                }
            }
        }
        int rows = parameters.get(0).shape().rows();
        int cols = 0;
        for (Parameter p : parameters) {
            cols += p.shape().cols();
        }
        Buffer b = new Buffer(Buffer.Kind.INPUT, rows, cols);
        inputBuffers.add(b);
        bindings.add(new Binding.SideBySide(List.copyOf(parameters)));
        return new Ref(b, 0, rows, cols);
    }

    /** Where the element-wise result {@code v} is written: where its state part is handed out, a whole buffer for a product, or the arena. */
    private Ref place(Var v) {
        for (int k = 0; k < outputs.size(); k++) {
            if (outputs.get(k) == v && !partPlaced[k]) {
                partPlaced[k] = true;
                Ref r = partTargets[k];
                refs.put(v, r);
                return r;
            }
        }
        Ref r;
        if (productOperands.containsKey(v)) {
            r = new Ref(ownBuffer(v.rows(), v.cols()), 0, v.rows(), v.cols());
        } else {
            r = new Ref(arena, arena.cols, v.rows(), v.cols());
            arena.cols += v.rows() * v.cols();
        }
        refs.put(v, r);
        return r;
    }

    private Buffer ownBuffer(int rows, int cols) {
        Buffer b = new Buffer(Buffer.Kind.OWN, rows, cols);
        ownBuffers.add(b);
        return b;
    }

    private Ref refOf(Var v) throws NotFusableException {
        Ref r = refs.get(v);
        if (r != null) {
            return r;
        }
        r = sourceRefs.get(v);
        if (r != null) {
            return r;
        }
        Binding binding = sources.get(v);
        if (binding == null) {
            throw new NotFusableException(name + ": the step reads a " + v.shape() + " value that is neither its input, its state,"
                    + " a parameter of the cell nor an op's result (a constant or a detached value made inside the step)");
        }
        Buffer b = new Buffer(Buffer.Kind.INPUT, v.rows(), v.cols());
        inputBuffers.add(b);
        bindings.add(binding);
        r = new Ref(b, 0, v.rows(), v.cols());
        sourceRefs.put(v, r);
        return r;
    }

    private static ElementwiseUnary.Function unaryFunction(Op<?> op) {
        if (op == Sigmoid.INSTANCE) {
            return ElementwiseUnary.Function.SIGMOID;
        }
        if (op == Tanh.INSTANCE) {
            return ElementwiseUnary.Function.TANH;
        }
        if (op == Exp.INSTANCE) {
            return ElementwiseUnary.Function.EXP;
        }
        if (op == Log.INSTANCE) {
            return ElementwiseUnary.Function.LOG;
        }
        if (op == Relu.INSTANCE) {
            return ElementwiseUnary.Function.RELU;
        }
        return op instanceof ScaleShift ? ElementwiseUnary.Function.AFFINE : null;
    }

    private static ElementwiseBinary.Operator binaryOperator(Op<?> op) {
        if (op == Add.INSTANCE) {
            return ElementwiseBinary.Operator.ADD;
        }
        if (op == Subtract.INSTANCE) {
            return ElementwiseBinary.Operator.SUBTRACT;
        }
        if (op == Multiply.INSTANCE) {
            return ElementwiseBinary.Operator.MULTIPLY;
        }
        return op == Divide.INSTANCE ? ElementwiseBinary.Operator.DIVIDE : null;
    }
}
