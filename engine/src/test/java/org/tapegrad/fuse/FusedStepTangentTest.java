package org.tapegrad.fuse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapegrad.fuse.FusedStepTest.B;
import static org.tapegrad.fuse.FusedStepTest.H;
import static org.tapegrad.fuse.FusedStepTest.I;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.check.property.Theories;
import org.tapegrad.fuse.FusedStepTest.NaiveLstm;
import org.tapegrad.op.DType;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.Curvature;
import org.tapegrad.tape.ForwardMode;
import org.tapegrad.tape.GaussNewton;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.ParameterVectors;
import org.tapegrad.tape.Tangents;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A fused step's tangent is the traced step's: JVPs (directions on parameters, inputs and initial state), Hessian-vector
 * and Gauss-Newton products through T fused steps equal the unfused tape's within rounding, for random cells and an
 * LSTM written the obvious way (its weights side by side, so parameters reach the replay as column slices).
 */
class FusedStepTangentTest {

    private static final int T = 3;

    /** Inputs, initial state and directions for all of them and for the parameters: one point and one direction. */
    private record Point(double[][][] xs, double[][][] s0, double[][][] dxs, double[][][] ds0, double[] dParams) {

        static Point random(int batch, int input, int hidden, int parts, int steps, List<Parameter> params, Random r) {
            double[] dParams = new double[ParameterVectors.size(params)];
            for (int i = 0; i < dParams.length; i++) {
                dParams[i] = 2 * r.nextDouble() - 1;
            }
            return new Point(matrices(steps, batch, input, r), matrices(parts, batch, hidden, r), matrices(steps, batch, input, r),
                    matrices(parts, batch, hidden, r), dParams);
        }

        private static double[][][] matrices(int count, int rows, int cols, Random r) {
            double[][][] m = new double[count][][];
            for (int k = 0; k < count; k++) {
                m[k] = FusedStepProperties.random(rows, cols, r);
            }
            return m;
        }
    }

    /**
     * The tangent of every state part after every step (step-major), by forward mode under no-grad. A zero direction
     * is not seeded: its tangent stays null, as a constant's does.
     */
    private static List<double[][]> jvp(DType dtype, StepFunction cell, FusedStep fused, List<Parameter> params, Point p) {
        Tape tape = new Tape(dtype);
        Map<Var, MatrixStore<Double>> seeds = new IdentityHashMap<>();
        List<Var> state = new ArrayList<>();
        for (int k = 0; k < p.s0().length; k++) {
            Var s = tape.variable(p.s0()[k]);
            seed(seeds, s, p.ds0()[k]);
            state.add(s);
        }
        List<Var> parts = new ArrayList<>();
        for (int t = 0; t < p.xs().length; t++) {
            Var x = tape.variable(p.xs()[t]);
            seed(seeds, x, p.dxs()[t]);
            state = fused == null ? cell.step(tape, x, state) : fused.apply(tape, x, state);
            parts.addAll(state);
        }
        int at = 0;
        for (Parameter q : params) {
            double[][] d = new double[q.shape().rows()][q.shape().cols()];
            for (double[] row : d) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = p.dParams()[at++];
                }
            }
            seed(seeds, tape.param(q), d);
        }
        List<double[][]> out = new ArrayList<>();
        try (NoGrad ignored = tape.noGrad()) {
            Tangents tangents = ForwardMode.tangents(tape, seeds);
            for (Var part : parts) {
                out.add(tangents.of(part).toArray());
            }
        }
        return out;
    }

    /** A loss that is not linear in the state: Σ_t Σ_k ⟨r, s_k,t⟩ + ‖s_k,t − r‖² / n. */
    private static Var loss(Tape tape, StepFunction cell, FusedStep fused, Point p, double[][] readout) {
        List<Var> state = new ArrayList<>();
        for (double[][] s : p.s0()) {
            state.add(tape.constant(s));
        }
        Var loss = null;
        for (double[][] x : p.xs()) {
            state = fused == null ? cell.step(tape, tape.constant(x), state) : fused.apply(tape, tape.constant(x), state);
            for (Var part : state) {
                Var r = tape.constant(readout);
                Var term = part.times(r).sum().plus(part.squaredError(r).mean());
                loss = loss == null ? term : loss.plus(term);
            }
        }
        return loss;
    }

    /** The squared errors alone, and every state for structural damping: what Gauss-Newton takes. */
    private static GaussNewton.Objective objective(Tape tape, StepFunction cell, FusedStep fused, Point p, double[][] target) {
        List<Var> state = new ArrayList<>();
        for (double[][] s : p.s0()) {
            state.add(tape.constant(s));
        }
        List<Var> all = new ArrayList<>();
        Var loss = null;
        for (double[][] x : p.xs()) {
            state = fused == null ? cell.step(tape, tape.constant(x), state) : fused.apply(tape, tape.constant(x), state);
            all.addAll(state);
            for (Var part : state) {
                Var term = part.squaredError(tape.constant(target)).mean();
                loss = loss == null ? term : loss.plus(term);
            }
        }
        return new GaussNewton.Objective(loss, all);
    }

    @Test
    void randomCellsHaveTheUnfusedJvpAndHessianVectorProducts() {
        Theories.check(2027, 200, FusedStepProperties.cases(), c -> {
            RandomCell cell = new RandomCell(c.input(), c.hidden(), c.program(), new Random(c.seed()));
            List<Shape> shapes = new ArrayList<>();
            for (int k = 0; k < c.parts(); k++) {
                shapes.add(Shape.of(c.batch(), c.hidden()));
            }
            FusedStep fused;
            try {
                fused = FusedStep.compile("random", cell, cell.parameters(), Shape.of(c.batch(), c.input()), shapes);
            } catch (NotFusableException e) {
                throw new AssertionError("every op of the random cells is fusable: " + e.getMessage(), e);
            }
            List<Parameter> params = cell.parameters();
            Random r = new Random(c.seed() + 1);
            Point p = Point.random(c.batch(), c.input(), c.hidden(), c.parts(), c.steps(), params, r);
            List<double[][]> plain = jvp(DType.F64, cell, null, params, p);
            List<double[][]> viaFusion = jvp(DType.F64, cell, fused, params, p);
            for (int k = 0; k < plain.size(); k++) {
                FusedStepProperties.assertClose("tangent of step " + k / c.parts() + ", part " + k % c.parts() + " in " + fused.describe(),
                        plain.get(k), viaFusion.get(k));
            }
            double[][] readout = FusedStepProperties.random(c.batch(), c.hidden(), r);
            double[] expected = Curvature.hessianVector(t -> loss(t, cell, null, p, readout), params, p.dParams());
            double[] actual = Curvature.hessianVector(t -> loss(t, cell, fused, p, readout), params, p.dParams());
            FusedStepProperties.assertClose("H·v in " + fused.describe(), new double[][] {expected}, new double[][] {actual});
        });
    }

    @Test
    void aNaiveLstmHasTheUnfusedJvpHessianVectorAndGaussNewtonProducts() throws NotFusableException {
        NaiveLstm lstm = new NaiveLstm(new Random(21));
        FusedStep fused = FusedStepTest.compile(lstm, lstm.parameters);
        Random r = new Random(22);
        Point p = Point.random(B, I, H, 2, T, lstm.parameters, r);
        double[][] target = FusedStepProperties.random(B, H, r);
        List<double[][]> plain = jvp(DType.F64, lstm, null, lstm.parameters, p);
        List<double[][]> viaFusion = jvp(DType.F64, lstm, fused, lstm.parameters, p);
        for (int k = 0; k < plain.size(); k++) {
            FusedStepProperties.assertClose("tangent of step " + k / 2 + ", " + (k % 2 == 0 ? "h" : "c"), plain.get(k), viaFusion.get(k));
        }
        double[] hv = Curvature.hessianVector(t -> loss(t, lstm, null, p, target), lstm.parameters, p.dParams());
        assertFalse(isZero(hv), "a non-trivial H·v");
        FusedStepProperties.assertClose("H·v", new double[][] {hv},
                new double[][] {Curvature.hessianVector(t -> loss(t, lstm, fused, p, target), lstm.parameters, p.dParams())});
        double[] gv = GaussNewton.withStates(t -> objective(t, lstm, null, p, target), lstm.parameters).product(p.dParams(), 0.3);
        assertFalse(isZero(gv), "a non-trivial G·v");
        FusedStepProperties.assertClose("G·v with structural damping", new double[][] {gv},
                new double[][] {GaussNewton.withStates(t -> objective(t, lstm, fused, p, target), lstm.parameters).product(p.dParams(), 0.3)});
    }

    /** On float32 parameters and tapes the products through the fused step agree with float64 at the same point. */
    @Test
    void float32ProductsThroughAFusedStepMatchFloat64() throws NotFusableException {
        NaiveLstm lstm = new NaiveLstm(new Random(31));
        List<Parameter> params = lstm.parameters;
        params.forEach(q -> q.to(DType.F32).to(DType.F64));   // the float64 point is the float32 one: only precision differs
        FusedStep fused = FusedStepTest.compile(lstm, params);
        Random r = new Random(32);
        Point p = Point.random(B, I, H, 2, T, params, r);
        for (int i = 0; i < p.dParams().length; i++) {
            p.dParams()[i] = (float) p.dParams()[i];
        }
        double[][] target = FusedStepProperties.random(B, H, r);
        double[] h64 = Curvature.hessianVector(t -> loss(t, lstm, fused, p, target), params, p.dParams());
        double[] g64 = GaussNewton.withStates(t -> objective(t, lstm, fused, p, target), params).product(p.dParams(), 0.3);
        List<double[][]> j64 = jvp(DType.F64, lstm, fused, params, p);
        params.forEach(q -> q.to(DType.F32));
        try {
            double[] h32 = Curvature.hessianVector(new Tape(DType.F32), t -> loss(t, lstm, fused, p, target), params, p.dParams());
            double[] g32 = GaussNewton.withStates(t -> objective(t, lstm, fused, p, target), params).product(p.dParams(), 0.3);
            List<double[][]> j32 = jvp(DType.F32, lstm, fused, params, p);
            assertRelativelyClose("H·v", h64, h32);
            assertRelativelyClose("G·v", g64, g32);
            for (int k = 0; k < j64.size(); k++) {
                for (int i = 0; i < B; i++) {
                    assertRelativelyClose("tangent " + k + ", row " + i, j64.get(k)[i], j32.get(k)[i]);
                }
            }
        } finally {
            params.forEach(q -> q.to(DType.F64));
        }
    }

    /**
     * A step whose first new part does not move along the direction while its second does: the first gets a zero
     * tangent, the second its own (the part's tangent is not derived from the first's, which is what orders it).
     */
    @Test
    void aStatePartMovesAlongTheDirectionWhenTheFirstDoesNot() throws NotFusableException {
        Random r = new Random(41);
        Parameter w = Parameter.of("w", FusedStepProperties.random(I, H, r));
        Parameter u = Parameter.of("u", FusedStepProperties.random(H, H, r));
        StepFunction cell = (tape, x, state) -> {
            Var first = x.matmul(w).tanh();
            return List.of(first, state.get(1).matmul(u).plus(first).sigmoid());
        };
        FusedStep fused = FusedStep.compile("parts", cell, List.of(w, u), Shape.of(B, I), List.of(Shape.of(B, H), Shape.of(B, H)));
        double[] alongU = new double[I * H + H * H];
        for (int i = I * H; i < alongU.length; i++) {
            alongU[i] = 2 * r.nextDouble() - 1;
        }
        Point moving = Point.random(B, I, H, 2, 1, List.of(w, u), r);
        Point p = new Point(moving.xs(), moving.s0(), new double[1][B][I], new double[2][B][H], alongU);
        List<double[][]> plain = jvp(DType.F64, cell, null, List.of(w, u), p);
        List<double[][]> viaFusion = jvp(DType.F64, cell, fused, List.of(w, u), p);
        assertTrue(isZero(viaFusion.get(0)[0]) && isZero(plain.get(0)[0]), "the first part does not move");
        assertFalse(isZero(plain.get(1)[0]), "the second part moves");
        FusedStepProperties.assertClose("the second part's tangent", plain.get(1), viaFusion.get(1));
    }

    private static void seed(Map<Var, MatrixStore<Double>> seeds, Var leaf, double[][] direction) {
        for (double[] row : direction) {
            if (!isZero(row)) {
                seeds.put(leaf, store(direction));
                return;
            }
        }
    }

    private static boolean isZero(double[] v) {
        for (double e : v) {
            if (e != 0) {
                return false;
            }
        }
        return true;
    }

    private static void assertRelativelyClose(String what, double[] expected, double[] actual) {
        double scale = 1e-6;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            int at = i;
            assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-4 * scale,
                    () -> what + " element " + at + ": float32 " + actual[at] + ", float64 " + expected[at]);
        }
    }

    private static MatrixStore<Double> store(double[][] rowMajor) {
        R064Store s = R064Store.FACTORY.make(rowMajor.length, rowMajor[0].length);
        for (int i = 0; i < rowMajor.length; i++) {
            for (int j = 0; j < rowMajor[i].length; j++) {
                s.set(i, j, rowMajor[i][j]);
            }
        }
        return s;
    }
}
