package org.tapegrad.fuse;

import static org.tapegrad.tape.Ops.affine;
import static org.tapegrad.tape.Ops.productSum;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.op.Shape;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A recurrent step built from a random program of ops: gate-like sums of products ({@code x·W + v·U + b}), lone
 * products, {@code affine}, element-wise ops with and without a bias-row broadcast, {@code productSum}, slices of wide
 * products and of wide element-wise values. Each instruction adds one {@code B×H} value to a pool its operands are
 * picked from (so values fan out); the new state parts are the last values of the pool. Weights are shared between
 * instructions now and then.
 */
final class RandomCell implements StepFunction {

    /** One instruction: an op code and two operand picks (taken modulo the pool size). */
    record Instruction(int op, int left, int right) {
        @Override
        public String toString() {
            return op + "(" + left + "," + right + ")";
        }
    }

    /** Number of op codes {@link #step} knows. */
    static final int OPS = 17;

    private final int input;
    private final int hidden;
    private final List<Instruction> program;
    private final List<Parameter[]> weights = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();

    RandomCell(int input, int hidden, List<Instruction> program, Random random) {
        this.input = input;
        this.hidden = hidden;
        this.program = program;
        for (Instruction s : program) {
            Shape[] shapes = switch (s.op()) {
                case 0 -> new Shape[] {Shape.of(input, hidden)};
                case 1 -> new Shape[] {Shape.of(hidden, hidden)};
                case 2, 12 -> new Shape[] {Shape.of(input, hidden), Shape.of(hidden, hidden), Shape.of(1, hidden)};
                case 7, 14 -> new Shape[] {Shape.of(1, hidden)};
                case 15 -> new Shape[] {Shape.of(hidden, 2 * hidden)};
                case 16 -> new Shape[] {Shape.of(input, 2 * hidden), Shape.of(1, 2 * hidden)};
                default -> new Shape[0];
            };
            Parameter[] ps = new Parameter[shapes.length];
            for (int k = 0; k < shapes.length; k++) {
                ps[k] = s.right() % 5 == 0 ? reuse(shapes[k]) : null;
                if (ps[k] == null) {
                    ps[k] = new Parameter("p" + parameters.size(), shapes[k]);
                    double[][] v = new double[shapes[k].rows()][shapes[k].cols()];
                    for (double[] row : v) {
                        for (int j = 0; j < row.length; j++) {
                            row[j] = 2 * random.nextDouble() - 1;
                        }
                    }
                    ps[k].assign(v);
                    parameters.add(ps[k]);
                }
            }
            weights.add(ps);
        }
    }

    private Parameter reuse(Shape shape) {
        for (Parameter p : parameters) {
            if (p.shape().equals(shape)) {
                return p;
            }
        }
        return null;
    }

    List<Parameter> parameters() {
        return parameters;
    }

    int input() {
        return input;
    }

    int hidden() {
        return hidden;
    }

    @Override
    public List<Var> step(Tape tape, Var x, List<Var> state) {
        List<Var> pool = new ArrayList<>(state);
        for (int n = 0; n < program.size(); n++) {
            Instruction s = program.get(n);
            Var[] w = new Var[weights.get(n).length];
            for (int k = 0; k < w.length; k++) {
                w[k] = tape.param(weights.get(n)[k]);
            }
            Var l = pool.get(s.left() % pool.size());
            Var r = pool.get(s.right() % pool.size());
            int h = hidden;
            Var next = switch (s.op()) {
                case 0 -> x.matmul(w[0]);
                case 1 -> l.matmul(w[0]);
                case 2 -> x.matmul(w[0]).plus(l.matmul(w[1])).plus(w[2]);        // a gate as a user writes it
                case 3 -> l.plus(r);
                case 4 -> l.minus(r);
                case 5 -> l.times(r);
                case 6 -> productSum(l, r, pool.get((s.left() + 1) % pool.size()), pool.get((s.right() + 1) % pool.size()));
                case 7 -> l.plus(w[0]);
                case 8 -> l.sigmoid();
                case 9 -> l.tanh();
                case 10 -> s.right() % 2 == 0 ? l.oneMinus() : l.times(0.5).plus(0.25);
                case 11 -> l.tanh().exp().relu();
                case 12 -> affine(w[2], x, w[0], l, w[1]);
                case 13 -> l.sigmoid().plus(0.5).log().div(r.sigmoid().plus(1.0));
                case 14 -> l.times(w[0]).minus(w[0]);
                case 15 -> s.right() % 2 == 0 ? l.matmul(w[0]).columns(h, 2 * h) : l.matmul(w[0]).columns(0, h);
                default -> x.matmul(w[0]).plus(w[1]).tanh().columns(s.right() % 2 == 0 ? 0 : h, s.right() % 2 == 0 ? h : 2 * h);
            };
            pool.add(next);
        }
        return new ArrayList<>(pool.subList(pool.size() - state.size(), pool.size()));
    }
}
