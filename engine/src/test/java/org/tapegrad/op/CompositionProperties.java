package org.tapegrad.op;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.tapegrad.check.GradientCheck;
import org.tapegrad.check.property.TapegradGenerators;
import org.tapegrad.check.property.Theories;
import org.tapegrad.tape.Ops;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Random expression DAGs: each instruction applies an op to one or two earlier nodes, picked freely, so nodes fan
 * out to several consumers and gradient accumulation is exercised, not only single VJPs.
 */
class CompositionProperties {

    /** One step of a program: an op code and two operand picks (taken modulo the number of nodes so far). */
    record Instruction(int op, int left, int right) {
        @Override
        public String toString() {
            return op + "(" + left + "," + right + ")";
        }
    }

    record Program(double[][] x, double[][] w, double[][] bias, List<Instruction> steps) {
        @Override
        public String toString() {
            return "x=" + java.util.Arrays.deepToString(x) + " W=" + java.util.Arrays.deepToString(w) + " b="
                    + java.util.Arrays.deepToString(bias) + " steps=" + steps;
        }
    }

    static Gen<Program> programs() {
        Gen<Instruction> instruction = integers().between(0, 11).zip(integers().between(0, 20), integers().between(0, 20), Instruction::new);
        return TapegradGenerators.shapes(5, 5).flatMap(s -> TapegradGenerators.matrix(s, TapegradGenerators.values(1.5)).zip(
                TapegradGenerators.matrix(new Shape(s.cols(), s.cols()), TapegradGenerators.values(1)),
                TapegradGenerators.matrix(new Shape(1, s.cols()), TapegradGenerators.values(1)),
                lists().of(instruction).ofSizeBetween(1, 10), Program::new));
    }

    @Test
    void randomCompositionsMatchFiniteDifferences() {
        Theories.reproducible(77, 250).forAll(programs()).checkAssert(program -> {
            Parameter x = Parameter.of("x", program.x());
            Parameter w = Parameter.of("W", program.w());
            Parameter b = Parameter.of("b", program.bias());
            GradientCheck.of(t -> run(t, program, x, w, b), x, w, b).tolerance(1e-5, 1e-5).assertPasses();
        });
    }

    static Var run(Tape t, Program program, Parameter x, Parameter w, Parameter b) {
        List<Var> nodes = new ArrayList<>();
        nodes.add(t.param(x));
        for (Instruction s : program.steps()) {
            Var l = nodes.get(s.left() % nodes.size());
            Var r = nodes.get(s.right() % nodes.size());
            Var next = switch (s.op()) {
                case 0 -> l.plus(r);
                case 1 -> l.minus(r);
                case 2 -> l.times(r).tanh();
                case 3 -> l.tanh();
                case 4 -> l.sigmoid();
                case 5 -> l.matmul(t.param(w)).times(0.5);
                case 6 -> l.plus(t.param(b));
                case 7 -> l.div(r.sigmoid().plus(0.5));
                case 8 -> l.tanh().exp();
                case 9 -> l.oneMinus().times(r.sigmoid());
                case 10 -> l.softmax().times(r);
                default -> r.plus(l.sumRows().times(0.25)).times(0.5);
            };
            nodes.add(next);
        }
        return Ops.concatColumns(nodes.toArray(Var[]::new));
    }
}
