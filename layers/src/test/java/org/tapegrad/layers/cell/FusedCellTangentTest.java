package org.tapegrad.layers.cell;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.layers.zoo.PeepholeLstm;
import org.tapegrad.op.DType;
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
 * Forward mode through a fused cell is the cell's: JVPs (directions on parameters, inputs and initial state),
 * Hessian-vector and Gauss-Newton products (with structural damping over every state part) of T unrolled steps equal
 * the unfused cell's within 1e-12, for the built-in LSTM and GRU cells, a zoo cell and a GRU written by hand with one
 * matmul per gate; on float32 they match float64 within float rounding.
 */
class FusedCellTangentTest {

    private static final int B = 3;
    private static final int I = 4;
    private static final int H = 5;
    private static final int T = 3;

    /** A GRU as a user writes it: one matmul per gate and input, so the fused step holds its weights side by side. */
    private record HandWrittenGru(List<Parameter> w, List<Parameter> u, List<Parameter> b) implements Cell<HiddenState> {

        static HandWrittenGru create(Random random) {
            List<Parameter> w = new ArrayList<>();
            List<Parameter> u = new ArrayList<>();
            List<Parameter> b = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                w.add(Parameter.of("w" + k, random(I, H, random)));
                u.add(Parameter.of("u" + k, random(H, H, random)));
                b.add(Parameter.of("b" + k, random(1, H, random)));
            }
            return new HandWrittenGru(w, u, b);
        }

        @Override
        public HiddenState step(Tape tape, Var x, HiddenState s) {
            Var h = s.h();
            Var z = x.matmul(w.get(0)).plus(h.matmul(u.get(0))).plus(b.get(0)).sigmoid();
            Var r = x.matmul(w.get(1)).plus(h.matmul(u.get(1))).plus(b.get(1)).sigmoid();
            Var n = x.matmul(w.get(2)).plus(r.times(h).matmul(u.get(2))).plus(b.get(2)).tanh();
            return new HiddenState(z.oneMinus().times(n).plus(z.times(h)));
        }

        @Override
        public int inputSize() {
            return I;
        }

        @Override
        public int hiddenSize() {
            return H;
        }

        @Override
        public HiddenState initialState(Tape tape, int batch) {
            return new HiddenState(tape.filled(batch, H, 0));
        }

        @Override
        public HiddenState withParts(List<Var> parts) {
            return new HiddenState(parts.get(0));
        }

        @Override
        public List<Parameter> parameters() {
            List<Parameter> all = new ArrayList<>(w);
            all.addAll(u);
            all.addAll(b);
            return all;
        }
    }

    private static List<Cell<?>> cells() {
        Random r = new Random(51);
        return List.of(new LstmCell("lstm", I, H, 1.0, r), new GruCell("gru", I, H, GruCell.Variant.LINEAR_BEFORE_RESET, r),
                new GruCell("gru0", I, H, GruCell.Variant.RESET_BEFORE_MATMUL, r), new PeepholeLstm("peep", I, H, PeepholeLstm.Variant.V, r),
                HandWrittenGru.create(r));
    }

    /** Inputs, initial state, a target, and directions for the inputs, the initial state and the parameters. */
    private record Point(double[][][] xs, double[][][] s0, double[][] target, double[][][] dxs, double[][][] ds0, double[] dParams) {

        static Point random(Cell<?> cell, Random r) {
            int parts = cell.initialState(new Tape(), B).parts().size();
            double[] dParams = new double[ParameterVectors.size(cell.parameters())];
            for (int i = 0; i < dParams.length; i++) {
                dParams[i] = (float) (2 * r.nextDouble() - 1);   // representable in float32 too
            }
            return new Point(matrices(T, B, I, r), matrices(parts, B, H, r), FusedCellTangentTest.random(B, H, r), matrices(T, B, I, r),
                    matrices(parts, B, H, r), dParams);
        }

        private static double[][][] matrices(int count, int rows, int cols, Random r) {
            double[][][] m = new double[count][][];
            for (int k = 0; k < count; k++) {
                m[k] = FusedCellTangentTest.random(rows, cols, r);
            }
            return m;
        }
    }

    /** Every state part after every step, from {@code s0} as variables (for seeds) or constants. */
    private static <S extends CellState> List<Var> unroll(Cell<S> cell, Tape tape, Point p, boolean variables, List<Var> leaves) {
        List<Var> s0 = new ArrayList<>();
        for (double[][] s : p.s0()) {
            s0.add(variables ? tape.variable(s) : tape.constant(s));
        }
        leaves.addAll(s0);
        S state = cell.withParts(s0);
        List<Var> parts = new ArrayList<>();
        for (double[][] x : p.xs()) {
            Var xv = variables ? tape.variable(x) : tape.constant(x);
            leaves.add(xv);
            state = cell.step(tape, xv, state);
            parts.addAll(state.parts());
        }
        return parts;
    }

    /** The tangent of every state part after every step, by forward mode under no-grad. */
    private static List<double[][]> jvp(Cell<?> cell, Point p) {
        Tape tape = new Tape(cell.parameters().get(0).dtype());
        List<Var> leaves = new ArrayList<>();
        List<Var> parts = unroll(cell, tape, p, true, leaves);
        Map<Var, MatrixStore<Double>> seeds = new IdentityHashMap<>();
        for (int k = 0; k < p.s0().length; k++) {
            seeds.put(leaves.get(k), store(p.ds0()[k]));
        }
        for (int t = 0; t < p.xs().length; t++) {
            seeds.put(leaves.get(p.s0().length + t), store(p.dxs()[t]));
        }
        int at = 0;
        for (Parameter q : cell.parameters()) {
            double[][] d = new double[q.shape().rows()][q.shape().cols()];
            for (double[] row : d) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = p.dParams()[at++];
                }
            }
            seeds.put(tape.param(q), store(d));
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

    /** Σ over steps and parts of the mean squared error to the target; every part damped. */
    private static GaussNewton.Objective objective(Cell<?> cell, Tape tape, Point p) {
        List<Var> parts = unroll(cell, tape, p, false, new ArrayList<>());
        Var loss = null;
        for (Var part : parts) {
            Var term = part.squaredError(tape.constant(p.target())).mean();
            loss = loss == null ? term : loss.plus(term);
        }
        return new GaussNewton.Objective(loss, parts);
    }

    private static double[] hessianVector(Cell<?> cell, Point p) {
        return Curvature.hessianVector(new Tape(cell.parameters().get(0).dtype()), t -> objective(cell, t, p).loss(), cell.parameters(),
                p.dParams());
    }

    private static double[] gaussNewton(Cell<?> cell, Point p) {
        return GaussNewton.withStates(t -> objective(cell, t, p), cell.parameters()).product(p.dParams(), 0.3);
    }

    @Test
    void jvpsThroughAFusedCellAreTheCells() {
        for (Cell<?> cell : cells()) {
            FusedCell<?> fused = FusedCell.of(cell);
            Point p = Point.random(cell, new Random(52));
            List<double[][]> plain = jvp(cell, p);
            List<double[][]> viaFusion = jvp(fused, p);
            assertTrue(fused.unfusedReason().isEmpty(), cell + " runs fused");
            for (int k = 0; k < plain.size(); k++) {
                for (int i = 0; i < B; i++) {
                    assertClose(cell + ": tangent of value " + k + ", row " + i, plain.get(k)[i], viaFusion.get(k)[i], 1e-12);
                }
            }
        }
    }

    @Test
    void hessianVectorAndGaussNewtonProductsThroughAFusedCellAreTheCells() {
        for (Cell<?> cell : cells()) {
            FusedCell<?> fused = FusedCell.of(cell);
            Point p = Point.random(cell, new Random(53));
            double[] hv = hessianVector(cell, p);
            double[] gv = gaussNewton(cell, p);
            assertFalse(isZero(hv) || isZero(gv), cell + ": non-trivial products");
            assertClose(cell + ": H·v", hv, hessianVector(fused, p), 1e-12);
            assertClose(cell + ": G·v", gv, gaussNewton(fused, p), 1e-12);
            assertTrue(fused.unfusedReason().isEmpty(), cell + " runs fused");
        }
    }

    /** Fused LSTM and GRU on float32 parameters and tapes: the products agree with float64 at the same point. */
    @Test
    void float32ProductsThroughAFusedCellMatchFloat64() {
        Random r = new Random(54);
        for (Cell<?> cell : List.of(new LstmCell("lstm", I, H, 1.0, r), new GruCell("gru", I, H, GruCell.Variant.LINEAR_BEFORE_RESET, r))) {
            cell.parameters().forEach(q -> q.to(DType.F32).to(DType.F64));   // the float64 point is the float32 one
            FusedCell<?> fused = FusedCell.of(cell);
            Point p = Point.random(cell, r);
            double[] h64 = hessianVector(fused, p);
            double[] g64 = gaussNewton(fused, p);
            List<double[][]> j64 = jvp(fused, p);
            cell.parameters().forEach(q -> q.to(DType.F32));
            assertClose(cell + ": float32 H·v", h64, hessianVector(fused, p), 1e-4);
            assertClose(cell + ": float32 G·v", g64, gaussNewton(fused, p), 1e-4);
            List<double[][]> j32 = jvp(fused, p);
            for (int k = 0; k < j64.size(); k++) {
                for (int i = 0; i < B; i++) {
                    assertClose(cell + ": float32 tangent of value " + k + ", row " + i, j64.get(k)[i], j32.get(k)[i], 1e-4);
                }
            }
            assertTrue(fused.unfusedReason().isEmpty(), cell + " runs fused");
        }
    }

    /** Within {@code tolerance} relative to the largest magnitude of {@code expected}. */
    private static void assertClose(String what, double[] expected, double[] actual, double tolerance) {
        double scale = 1e-6;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            int at = i;
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance * scale,
                    () -> what + " element " + at + ": fused " + actual[at] + ", expected " + expected[at]);
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

    private static double[][] random(int rows, int cols, Random r) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = 2 * r.nextDouble() - 1;
            }
        }
        return a;
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
