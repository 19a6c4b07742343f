package org.tapegrad.op;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.check.GradientCheck;
import org.tapegrad.check.jqwik.TapegradArbitraries;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Shape;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Random expression DAGs: each instruction applies an op to one or two earlier nodes, picked freely, so nodes fan
 * out to several consumers and gradient accumulation is exercised, not only single VJPs.
 */
class CompositionProperties {

    /** One step of a program: an op code and two operand picks (taken modulo the number of nodes so far). */
    record Instruction(int op, int left, int right) {
    }

    record Program(double[][] x, double[][] w, double[][] bias, List<Instruction> steps) {
    }

    @Provide
    Arbitrary<Program> programs() {
        return TapegradArbitraries.shapes(5, 5).flatMap(s -> {
            Arbitrary<Instruction> instruction = Combinators.combine(
                    Arbitraries.integers().between(0, 11), Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 20))
                    .as(Instruction::new);
            return Combinators.combine(
                    TapegradArbitraries.matrix(s, TapegradArbitraries.values(1.5)),
                    TapegradArbitraries.matrix(new Shape(s.cols(), s.cols()), TapegradArbitraries.values(1)),
                    TapegradArbitraries.matrix(new Shape(1, s.cols()), TapegradArbitraries.values(1)),
                    instruction.list().ofMinSize(1).ofMaxSize(10)).as(Program::new);
        });
    }

    @Property(tries = 250)
    void randomCompositionsMatchFiniteDifferences(@ForAll("programs") Program program) {
        Parameter x = Parameter.of("x", program.x());
        Parameter w = Parameter.of("W", program.w());
        Parameter b = Parameter.of("b", program.bias());
        GradientCheck.of(t -> run(t, program, x, w, b), x, w, b).tolerance(1e-5, 1e-5).assertPasses();
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
                case 5 -> l.matmul(w).times(0.5);
                case 6 -> l.plus(b);
                case 7 -> l.div(r.sigmoid().plus(0.5));
                case 8 -> l.tanh().exp();
                case 9 -> l.oneMinus().times(r.sigmoid());
                case 10 -> l.softmax().times(r);
                default -> r.plus(l.sumRows().times(0.25)).times(0.5);
            };
            nodes.add(next);
        }
        return t.concatColumns(nodes.toArray(Var[]::new));
    }
}
