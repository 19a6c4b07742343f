package org.tapegrad.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tapegrad.op.Op;
import org.tapegrad.op.OpContext;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

class GradientCheckTest {

    /** y = x², with a VJP that forgets the factor 2 — the harness must catch it. */
    static final class WrongSquare implements Op<Void> {
        @Override
        public String name() {
            return "wrong_square";
        }

        @Override
        public Shape outputShape(Shape... in) {
            return in[0];
        }

        @Override
        public Void forward(OpContext ctx) {
            double[] x = ctx.input(0).data;
            for (int i = 0; i < x.length; i++) {
                ctx.output().data[i] = x[i] * x[i];
            }
            return null;
        }

        @Override
        public void backward(OpContext ctx, Void saved) {
            double[] x = ctx.input(0).data;
            double[] g = ctx.outputGrad().data;
            double[] dx = ctx.inputGrad(0).data;
            for (int i = 0; i < x.length; i++) {
                dx[i] += g[i] * x[i];
            }
        }
    }

    @Test
    void wrongVjpIsCaughtAndTheReportNamesTheWorstElement() {
        Parameter x = Parameter.of("x", new double[][] {{0.1, -0.2}, {3.0, 0.4}});
        GradientCheckReport report = GradientCheck.of(t -> t.apply(new WrongSquare(), t.param(x)).sum(), x).run();
        assertFalse(report.passed());
        assertEquals(4, report.failed());
        assertEquals("x", report.worstInput());
        assertEquals("(1, 0)", report.worstIndex(), report.toString());
        assertEquals(3.0, report.worstAnalytic(), 1e-12);
        assertEquals(6.0, report.worstNumeric(), 1e-6);
        AssertionError e = assertThrows(AssertionError.class, () -> GradientCheck.of(t -> t.apply(new WrongSquare(), t.param(x)).sum(), x).assertPasses());
        assertTrue(e.getMessage().contains("input 'x' (1, 0) analytic 3.0"), e.getMessage());
    }

    @Test
    void randomDirectionModeCatchesTheWrongVjpToo() {
        Parameter x = Parameter.of("x", new double[][] {{0.1, -0.2, 0.7}, {3.0, 0.4, -1.1}});
        GradientCheckReport report = GradientCheck.of(t -> t.apply(new WrongSquare(), t.param(x)), x)
                .mode(GradientCheck.Mode.RANDOM_DIRECTIONS).directions(3).run();
        assertFalse(report.passed());
        assertEquals("x", report.worstInput());
        assertTrue(report.worstIndex().startsWith("direction "));
    }

    @Test
    void correctGradientsPassInBothModesAndLeaveParametersUntouched() {
        Parameter x = Parameter.of("x", new double[][] {{0.1, -0.2, 0.7}, {3.0, 0.4, -1.1}});
        Parameter w = Parameter.of("w", new double[][] {{0.5, -1}, {2, 0.25}, {0.1, 0.3}});
        w.updateGrad(g -> g[0] = 42.0);
        double[][] before = Layout.toRowMajor(x.value());
        for (GradientCheck.Mode mode : GradientCheck.Mode.values()) {
            GradientCheckReport r = GradientCheck.of(t -> t.param(x).matmul(t.param(w)).tanh(), x, w).mode(mode).run();
            assertTrue(r.passed(), r.toString());
            assertTrue(r.worstRatio() < 0.1, r.toString());
        }
        assertEquals(42.0, w.grad().get(0, 0));
        assertFalse(x.hasGrad(), "a check creates no gradient buffer");
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Layout.toRowMajor(x.value()));
    }

    @Test
    void customOpFromTheReadmeIsGradientChecked() {
        Parameter x = Parameter.of("x", new double[][] {{-30, -1, 0}, {0.5, 2, 40}});
        GradientCheck.of(t -> t.apply(new Softplus(), t.param(x)), x).assertPasses();
        org.tapegrad.tape.Tape t = new org.tapegrad.tape.Tape();
        assertEquals(Math.log1p(Math.exp(-1)), t.apply(new Softplus(), t.row(-1)).item(), 1e-15);
        assertEquals(800.0, t.apply(new Softplus(), t.row(800)).item(), 1e-12);
    }

    @Test
    void valuesAreRestoredWhenTheFunctionThrowsDuringPerturbation() {
        Parameter x = Parameter.of("x", new double[][] {{0.5, 2.0}});
        double[][] before = Layout.toRowMajor(x.value());
        // Fine at the point itself, throws as soon as an element is perturbed: a check must not leave x moved.
        java.util.function.Function<org.tapegrad.tape.Tape, org.tapegrad.tape.Var> f = t -> {
            if (x.value().get(0, 0) != 0.5) {
                throw new IllegalStateException("refusing a perturbed input");
            }
            return t.param(x).tanh().sum();
        };
        assertThrows(IllegalStateException.class, () -> GradientCheck.of(f, x).run());
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Layout.toRowMajor(x.value()));
        assertThrows(IllegalStateException.class, () -> GradientCheck.of(f, x).mode(GradientCheck.Mode.RANDOM_DIRECTIONS).run());
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Layout.toRowMajor(x.value()));
        assertFalse(x.hasGrad());
    }

    @Test
    void badSettingsAreRejected() {
        Parameter x = new Parameter("x", 1, 1);
        assertThrows(IllegalArgumentException.class, () -> GradientCheck.of(t -> t.param(x)).step(0));
        assertThrows(IllegalArgumentException.class, () -> GradientCheck.of(t -> t.param(x)));
        assertThrows(IllegalArgumentException.class, () -> GradientCheck.of(t -> t.param(x), x).tolerance(-1, 0));
    }
}
