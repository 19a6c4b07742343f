package org.tapegrad.layers.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Both GRU formulas of docs/theory.md §3 on small fixed matrices, against scalar arithmetic written from the formulas
 * (independent of the tape), and the difference between them: same weights, different outputs; the z mirror alone
 * accounts for nothing once the reset gate is held open.
 */
class GruCellTest {

    static final int I = 2;
    static final int H = 2;
    // x·W blocks r | z | candidate, I×3H
    static final double[][] WX = {{0.5, -0.3, 0.8, 0.1, -0.6, 0.4}, {-0.2, 0.7, 0.3, -0.5, 0.9, -0.1}};
    // h·W blocks r | z | candidate, H×3H
    static final double[][] WH = {{0.2, 0.6, -0.4, 0.3, 0.7, -0.8}, {-0.7, 0.1, 0.5, 0.2, -0.3, 0.6}};
    static final double[] B = {0.1, -0.2, 0.3, 0.05, -0.15, 0.25};
    static final double[] BH = {-0.3, 0.2, 0.1, -0.1, 0.4, -0.35};
    static final double[][] H0 = {{0.3, -0.6}, {-0.9, 0.2}};
    static final double[][][] XS = {{{1.0, -0.5}, {0.2, 0.8}}, {{-0.4, 0.3}, {0.9, -1.2}}, {{0.6, 0.6}, {-0.1, 0.0}}};

    @Test
    void resetBeforeMatmulFollowsTheSeedsFormula() {
        GruCell cell = resetBeforeMatmul(WX, WH, B);
        double[][] h = copy(H0);
        List<double[][]> expected = new ArrayList<>();
        for (double[][] x : XS) {
            double[][] next = new double[2][H];
            for (int b = 0; b < 2; b++) {
                for (int j = 0; j < H; j++) {
                    double z = sigmoid(dot(x[b], WX, H + j) + dot(h[b], WH, H + j) + B[H + j]);
                    double[] resetH = new double[H];
                    for (int k = 0; k < H; k++) {
                        resetH[k] = sigmoid(dot(x[b], WX, k) + dot(h[b], WH, k) + B[k]) * h[b][k];
                    }
                    double candidate = Math.tanh(dot(x[b], WX, 2 * H + j) + dot(resetH, WH, 2 * H + j) + B[2 * H + j]);
                    next[b][j] = (1 - z) * h[b][j] + z * candidate;
                }
            }
            h = next;
            expected.add(h);
        }
        assertOutputs(expected, run(cell), 1e-15);
    }

    @Test
    void linearBeforeResetFollowsPyTorchsFormula() {
        GruCell cell = linearBeforeReset(WX, WH, B, BH);
        double[][] h = copy(H0);
        List<double[][]> expected = new ArrayList<>();
        for (double[][] x : XS) {
            double[][] next = new double[2][H];
            for (int b = 0; b < 2; b++) {
                for (int j = 0; j < H; j++) {
                    double r = sigmoid(dot(x[b], WX, j) + B[j] + dot(h[b], WH, j) + BH[j]);
                    double z = sigmoid(dot(x[b], WX, H + j) + B[H + j] + dot(h[b], WH, H + j) + BH[H + j]);
                    double n = Math.tanh(dot(x[b], WX, 2 * H + j) + B[2 * H + j] + r * (dot(h[b], WH, 2 * H + j) + BH[2 * H + j]));
                    next[b][j] = (1 - z) * n + z * h[b][j];
                }
            }
            h = next;
            expected.add(h);
        }
        assertOutputs(expected, run(cell), 1e-15);
    }

    @Test
    void theVariantsAreDifferentModelsForTheSameWeights() {
        double[] noHiddenBias = new double[3 * H];
        List<double[][]> seeds = run(resetBeforeMatmul(WX, WH, B));
        List<double[][]> torch = run(linearBeforeReset(WX, WH, B, noHiddenBias));
        List<double[][]> mirrored = run(resetBeforeMatmul(mirrorZ(WX), mirrorZ(WH), mirrorZ(new double[][] {B})[0]));
        double gap = maxDiff(seeds, torch);
        assertTrue(gap > 1e-2, "same weights should give different outputs, max difference " + gap);
        // Mirroring z (negating its weights: σ(−a) = 1 − σ(a)) does not reconcile them either: the reset placement differs.
        assertTrue(maxDiff(mirrored, torch) > 1e-3, "mirroring z alone should not make the variants equal");
    }

    @Test
    void withTheResetGateOpenTheVariantsDifferOnlyByTheZMirror() {
        double[] open = B.clone();
        for (int j = 0; j < H; j++) {
            open[j] = 40; // σ(40 + O(1)) rounds to 1.0: r⊙h = h and r⊙(h·W) = h·W
        }
        List<double[][]> torch = run(linearBeforeReset(WX, WH, open, new double[3 * H]));
        List<double[][]> mirrored = run(resetBeforeMatmul(mirrorZ(WX), mirrorZ(WH), mirrorZ(new double[][] {open})[0]));
        assertTrue(maxDiff(mirrored, torch) < 1e-14, "with r = 1 the two formulas are the same model up to z ↔ 1 − z");
    }

    @Test
    void variantSpecificParametersAreRefusedByTheOtherVariant() {
        GruCell seeds = new GruCell("g", 3, 4, GruCell.Variant.RESET_BEFORE_MATMUL, new Random(1));
        GruCell torch = new GruCell("g", 3, 4, GruCell.Variant.LINEAR_BEFORE_RESET, new Random(1));
        assertThrows(IllegalStateException.class, seeds::bh);
        assertThrows(IllegalStateException.class, torch::whCandidate);
        assertEquals(List.of("g.wx", "g.wh", "g.whCandidate", "g.b"), seeds.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of("g.wx", "g.wh", "g.b", "g.bh"), torch.parameters().stream().map(Parameter::name).toList());
        // 3 gate blocks: I·3H + H·3H + biases
        assertEquals(3 * 12 + 4 * 8 + 4 * 4 + 12, seeds.parameters().stream().mapToInt(Parameter::size).sum());
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    static GruCell resetBeforeMatmul(double[][] wx, double[][] wh, double[] b) {
        GruCell cell = new GruCell("seeds", I, H, GruCell.Variant.RESET_BEFORE_MATMUL, new Random(0));
        set(cell.wx(), wx, 0, 3 * H);
        set(cell.wh(), wh, 0, 2 * H);
        set(cell.whCandidate(), wh, 2 * H, 3 * H);
        set(cell.b(), new double[][] {b}, 0, 3 * H);
        return cell;
    }

    static GruCell linearBeforeReset(double[][] wx, double[][] wh, double[] b, double[] bh) {
        GruCell cell = new GruCell("torch", I, H, GruCell.Variant.LINEAR_BEFORE_RESET, new Random(0));
        set(cell.wx(), wx, 0, 3 * H);
        set(cell.wh(), wh, 0, 3 * H);
        set(cell.b(), new double[][] {b}, 0, 3 * H);
        set(cell.bh(), new double[][] {bh}, 0, 3 * H);
        return cell;
    }

    /** Columns {@code [from, to)} of {@code src} into {@code p}. */
    static void set(Parameter p, double[][] src, int from, int to) {
        double[][] value = Layout.toRowMajor(p.value());
        for (int i = 0; i < src.length; i++) {
            for (int j = from; j < to; j++) {
                value[i][j - from] = src[i][j];
            }
        }
        p.assign(value);
    }

    /** A copy with the z block's columns negated: σ(−a) = 1 − σ(a) turns z into 1 − z. */
    static double[][] mirrorZ(double[][] w) {
        double[][] m = copy(w);
        for (double[] row : m) {
            for (int j = H; j < 2 * H; j++) {
                row[j] = -row[j];
            }
        }
        return m;
    }

    /** The cell's outputs from H0 over XS. */
    static List<double[][]> run(GruCell cell) {
        Tape tape = new Tape();
        List<Var> steps = new ArrayList<>();
        for (double[][] x : XS) {
            steps.add(tape.constant(x));
        }
        List<double[][]> out = new ArrayList<>();
        for (Var h : Unroll.run(cell, tape, steps, new HiddenState(tape.constant(H0))).outputs()) {
            out.add(h.toArray());
        }
        tape.reset();
        return out;
    }

    static void assertOutputs(List<double[][]> expected, List<double[][]> actual, double tolerance) {
        double gap = maxDiff(expected, actual);
        assertTrue(gap <= tolerance, "max difference to the hand-computed formula " + gap);
    }

    static double maxDiff(List<double[][]> a, List<double[][]> b) {
        double worst = 0;
        for (int t = 0; t < a.size(); t++) {
            for (int i = 0; i < a.get(t).length; i++) {
                for (int j = 0; j < a.get(t)[i].length; j++) {
                    worst = Math.max(worst, Math.abs(a.get(t)[i][j] - b.get(t)[i][j]));
                }
            }
        }
        return worst;
    }

    /** {@code Σ_k v[k]·w[k][col]}. */
    static double dot(double[] v, double[][] w, int col) {
        double s = 0;
        for (int k = 0; k < v.length; k++) {
            s += v[k] * w[k][col];
        }
        return s;
    }

    static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
