package org.tapegrad.op;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.tapegrad.check.GradientCheck;
import org.tapegrad.check.property.TapegradGenerators;
import org.tapegrad.check.property.Theories;
import org.tapegrad.tape.Curvature;
import org.tapegrad.tape.ForwardMode;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Ops;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.ParameterVectors;
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

    /**
     * Forward mode and Hessian-vector products on the same programs: {@code J·v} against the central difference of
     * the outputs, {@code H·v} of {@code Σ out} against the central difference of the gradients, along one random
     * direction of all three parameters.
     */
    @Test
    void randomCompositionsHaveExactTangentsAndHessianVectors() {
        Theories.reproducible(78, 60).forAll(programs()).checkAssert(program -> {
            Parameter x = Parameter.of("x", program.x());
            Parameter w = Parameter.of("W", program.w());
            Parameter b = Parameter.of("b", program.bias());
            List<Parameter> params = List.of(x, w, b);
            java.util.SplittableRandom random = new java.util.SplittableRandom(program.hashCode());
            double[] v = new double[ParameterVectors.size(params)];
            for (int i = 0; i < v.length; i++) {
                v[i] = random.nextDouble(-1, 1);
            }
            double[] theta = ParameterVectors.values(params);
            double eps = 1e-5;
            java.util.function.Function<Tape, Var> f = t -> run(t, program, x, w, b);
            java.util.function.Function<Tape, Var> total = t -> run(t, program, x, w, b).sum();
            Tape tape = new Tape();
            Var out = f.apply(tape);
            double[][] jv;
            try (NoGrad ignored = tape.noGrad()) {
                jv = ForwardMode.tangentsOfParameters(tape, split(params, v)).of(out).toArray();
            }
            double[] hv = Curvature.hessianVector(total, params, v);
            ParameterVectors.assign(params, shifted(theta, v, eps));
            double[][] plus = f.apply(new Tape()).toArray();
            double[] gPlus = gradient(total, params);
            ParameterVectors.assign(params, shifted(theta, v, -eps));
            double[][] minus = f.apply(new Tape()).toArray();
            double[] gMinus = gradient(total, params);
            ParameterVectors.assign(params, theta);
            for (int i = 0; i < jv.length; i++) {
                for (int j = 0; j < jv[i].length; j++) {
                    double numeric = (plus[i][j] - minus[i][j]) / (2 * eps);
                    assertTrue(Math.abs(jv[i][j] - numeric) <= 1e-5 + 1e-5 * Math.abs(numeric), "J·v(" + i + ", " + j + ") = " + jv[i][j] + ", numeric " + numeric);
                }
            }
            for (int i = 0; i < hv.length; i++) {
                double numeric = (gPlus[i] - gMinus[i]) / (2 * eps);
                assertTrue(Math.abs(hv[i] - numeric) <= 1e-5 + 1e-4 * Math.abs(numeric), "H·v[" + i + "] = " + hv[i] + ", numeric " + numeric);
            }
        });
    }

    private static double[] gradient(java.util.function.Function<Tape, Var> f, List<Parameter> params) {
        Tape tape = new Tape();
        return ParameterVectors.flatten(tape.gradients(f.apply(tape), null), params);
    }

    private static double[] shifted(double[] x, double[] v, double step) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += step * v[i];
        }
        return y;
    }

    private static java.util.Map<Parameter, org.ojalgo.matrix.store.MatrixStore<Double>> split(List<Parameter> params, double[] v) {
        java.util.Map<Parameter, org.ojalgo.matrix.store.MatrixStore<Double>> parts = new java.util.IdentityHashMap<>();
        int at = 0;
        for (Parameter p : params) {
            org.ojalgo.matrix.store.R064Store s = org.ojalgo.matrix.store.R064Store.FACTORY.make(p.shape().rows(), p.shape().cols());
            System.arraycopy(v, at, s.data, 0, p.size());
            at += p.size();
            parts.put(p, s);
        }
        return parts;
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
