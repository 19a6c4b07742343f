package org.tapegrad.check.property;

import static org.tapegrad.check.property.TapegradGenerators.awayFromZero;
import static org.tapegrad.check.property.TapegradGenerators.between;
import static org.tapegrad.check.property.TapegradGenerators.values;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

import org.quicktheories.core.Gen;
import org.tapegrad.op.Shape;
import org.tapegrad.op.SoftmaxCrossEntropy;
import org.tapegrad.op.Step;
import org.tapegrad.tape.Ops;
import org.tapegrad.tape.Var;

/**
 * The engine's primitives as one declarative table: each row says how to draw an op's inputs (shapes from three
 * random dimensions, a value domain per input) and how to record it. {@link OpProperties} checks every row's VJP and
 * {@link TangentProperties} its tangent rule (forward mode) with the same cases; a new op is one more row.
 */
public final class OpTable {

    private OpTable() {
    }

    private static final Gen<Double> ANY = values(2);
    private static final Gen<Double> NONZERO = awayFromZero(0.3, 2);

    /** Every built-in op, the broadcasting binary ops once per broadcast kind. */
    public static List<OpSpec> builtIn() {
        List<OpSpec> rows = new ArrayList<>();
        rows.add(OpSpec.of("matmul", (m, k, n) -> shapes(m, k, k, n), List.of(ANY, ANY), (x, c) -> x[0].matmul(x[1])));
        rows.add(OpSpec.of("matmul A·Bᵀ", (m, k, n) -> shapes(m, k, n, k), List.of(ANY, ANY), (x, c) -> x[0].matmulBT(x[1])));
        rows.add(OpSpec.of("matmul Aᵀ·B", (m, k, n) -> shapes(k, m, k, n), List.of(ANY, ANY), (x, c) -> x[0].matmulAT(x[1])));
        rows.add(OpSpec.of("affine x·W + h·U + b", (m, k, n) -> shapes(m, k, k, n, m, n, n, n, 1, n), List.of(ANY, ANY, ANY, ANY, ANY),
                (x, c) -> Ops.affine(x[4], x[0], x[1], x[2], x[3])));
        binary(rows, "add", ANY, Var::plus);
        binary(rows, "sub", ANY, Var::minus);
        binary(rows, "mul", ANY, Var::times);
        binary(rows, "div", NONZERO, Var::div);
        rows.add(unary("scale", ANY, (x, c) -> x.times((c[0] - 50) / 10.0)));
        rows.add(unary("add_scalar", ANY, (x, c) -> x.plus((c[0] - 50) / 10.0)));
        rows.add(unary("negate", ANY, (x, c) -> x.negate()));
        rows.add(unary("one_minus", ANY, (x, c) -> x.oneMinus()));
        rows.add(unary("exp", ANY, (x, c) -> x.exp()));
        rows.add(unary("log", between(0.1, 3), (x, c) -> x.log()));
        rows.add(unary("tanh", ANY, (x, c) -> x.tanh()));
        rows.add(unary("sigmoid", ANY, (x, c) -> x.sigmoid()));
        rows.add(unary("relu", awayFromZero(0.01, 2), (x, c) -> x.relu()));
        rows.add(unary("step (relu's derivative)", awayFromZero(0.01, 2), (x, c) -> x.tape().apply(Step.INSTANCE, x)));
        rows.add(unary("sum", ANY, (x, c) -> x.sum()));
        rows.add(unary("mean", ANY, (x, c) -> x.mean()));
        rows.add(unary("sum_rows", ANY, (x, c) -> x.sumRows()));
        rows.add(unary("mean_rows", ANY, (x, c) -> x.meanRows()));
        rows.add(unary("sum_columns", ANY, (x, c) -> x.sumColumns()));
        rows.add(unary("mean_columns", ANY, (x, c) -> x.meanColumns()));
        rows.add(unary("columns", ANY, (x, c) -> {
            int from = c[0] % x.cols();
            return x.columns(from, from + 1 + c[1] % (x.cols() - from));
        }));
        rows.add(OpSpec.of("concat_columns with fan-out", (m, k, n) -> shapes(m, n, m, k), List.of(ANY, ANY),
                (x, c) -> Ops.concatColumns(x[0], x[1], x[0])));
        rows.add(OpSpec.of("concat_rows with fan-out", (m, k, n) -> shapes(m, n, k, n), List.of(ANY, ANY),
                (x, c) -> Ops.concatRows(x[0], x[1], x[0])));
        rows.add(unary("gather_rows, repeated indices", ANY, (x, c) -> {
            int[] indices = new int[1 + c[0] % 7];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = c[1 + i] % x.rows();
            }
            return x.gatherRows(indices);
        }));
        rows.add(OpSpec.of("select_rows", OpSpec.same(2), List.of(ANY, ANY), (x, c) -> {
            boolean[] mask = new boolean[x[0].rows()];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = c[i % c.length] % 2 == 1;
            }
            return Ops.selectRows(mask, x[0], x[1]);
        }));
        rows.add(OpSpec.of("product_sum with fan-out", OpSpec.same(3), List.of(ANY, ANY, ANY),
                (x, c) -> Ops.productSum(x[0], x[1], x[2], x[0])));
        rows.add(unary("softmax", ANY, (x, c) -> x.softmax()));
        rows.add(unary("softmax_cross_entropy", ANY, (x, c) -> {
            int[] targets = new int[x.rows()];
            for (int i = 0; i < targets.length; i++) {
                int pick = c[i % c.length];
                targets[i] = pick % 7 == 6 ? SoftmaxCrossEntropy.IGNORE : pick % x.cols();
            }
            return x.crossEntropy(targets);
        }));
        rows.add(OpSpec.of("sigmoid_binary_cross_entropy", OpSpec.same(2), List.of(values(3), between(0.01, 0.99)),
                (x, c) -> x[0].binaryCrossEntropy(x[1])));
        rows.add(OpSpec.of("squared_error", OpSpec.same(2), List.of(values(3), values(3)), (x, c) -> x[0].squaredError(x[1])));
        return rows;
    }

    private static OpSpec unary(String name, Gen<Double> domain, UnaryRecorder op) {
        return OpSpec.of(name, OpSpec.same(1), List.of(domain), (x, c) -> op.record(x[0], c));
    }

    /** Four rows: the second operand of the first's shape, a 1×n row, an m×1 column, a 1×1 scalar. */
    private static void binary(List<OpSpec> rows, String name, Gen<Double> second, BinaryOperator<Var> op) {
        rows.add(OpSpec.of(name, OpSpec.same(2), List.of(ANY, second), (x, c) -> op.apply(x[0], x[1])));
        rows.add(OpSpec.of(name + " row broadcast", (m, k, n) -> shapes(m, n, 1, n), List.of(ANY, second), (x, c) -> op.apply(x[0], x[1])));
        rows.add(OpSpec.of(name + " column broadcast", (m, k, n) -> shapes(m, n, m, 1), List.of(ANY, second), (x, c) -> op.apply(x[0], x[1])));
        rows.add(OpSpec.of(name + " scalar broadcast", (m, k, n) -> shapes(m, n, 1, 1), List.of(ANY, second), (x, c) -> op.apply(x[0], x[1])));
    }

    @FunctionalInterface
    private interface UnaryRecorder {
        Var record(Var x, int[] choices);
    }

    /** Shapes from (rows, cols) pairs. */
    private static Shape[] shapes(int... dims) {
        Shape[] s = new Shape[dims.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = new Shape(dims[2 * i], dims[2 * i + 1]);
        }
        return s;
    }
}
