package org.tapegrad.op;

import java.util.function.Function;

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

/** Every primitive op: its tape gradient matches central finite differences on random shapes and values. */
class OpGradientProperties {

    private static final int TRIES = 60;

    // ---- helpers -----------------------------------------------------------------------------------------------

    static void check(Function<Tape, Var> f, Parameter... inputs) {
        GradientCheck.of(f, inputs).tolerance(1e-6, 1e-5).assertPasses();
    }

    static Parameter p(String name, double[][] v) {
        return Parameter.of(name, v);
    }

    record Pair(double[][] a, double[][] b) {
    }

    @Provide
    Arbitrary<double[][]> matrices() {
        return TapegradArbitraries.matrices(8, 8);
    }

    @Provide
    Arbitrary<double[][]> awayFromZero() {
        return TapegradArbitraries.shapes(8, 8).flatMap(s -> TapegradArbitraries.matrix(s, TapegradArbitraries.awayFromZero(0.01, 2)));
    }

    @Provide
    Arbitrary<double[][]> positives() {
        return TapegradArbitraries.shapes(8, 8).flatMap(s -> TapegradArbitraries.matrix(s, TapegradArbitraries.positive(0.1, 3)));
    }

    /** A first operand and a second one of the same shape or broadcast (1×n, m×1, 1×1). */
    @Provide
    Arbitrary<Pair> broadcastPairs() {
        return TapegradArbitraries.shapes(8, 8).flatMap(s -> Arbitraries.integers().between(0, 3).flatMap(kind -> {
            Shape bs = kind == 0 ? s : kind == 1 ? new Shape(1, s.cols()) : kind == 2 ? new Shape(s.rows(), 1) : new Shape(1, 1);
            return Combinators.combine(TapegradArbitraries.matrix(s, TapegradArbitraries.values(2)),
                    TapegradArbitraries.matrix(bs, TapegradArbitraries.awayFromZero(0.3, 2))).as(Pair::new);
        }));
    }

    @Provide
    Arbitrary<Pair> sameShapePairs() {
        return TapegradArbitraries.shapes(8, 8).flatMap(s -> Combinators.combine(
                TapegradArbitraries.matrix(s, TapegradArbitraries.values(3)),
                TapegradArbitraries.matrix(s, TapegradArbitraries.positive(0, 1))).as(Pair::new));
    }

    @Provide
    Arbitrary<Pair> matmulPairs() {
        Arbitrary<Integer> dim = Arbitraries.integers().between(1, 8);
        return Combinators.combine(dim, dim, dim).flatAs((m, k, n) -> Combinators.combine(
                TapegradArbitraries.matrix(new Shape(m, k), TapegradArbitraries.values(2)),
                TapegradArbitraries.matrix(new Shape(k, n), TapegradArbitraries.values(2))).as(Pair::new));
    }

    // ---- matmul ------------------------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void matmul(@ForAll("matmulPairs") Pair c) {
        Parameter a = p("A", c.a()), b = p("B", c.b());
        check(t -> t.param(a).matmul(t.param(b)), a, b);
    }

    @Property(tries = TRIES)
    void matmulRightTransposed(@ForAll("matmulPairs") Pair c) {
        Parameter a = p("A", c.a()), b = p("B", transpose(c.b()));
        check(t -> t.param(a).matmulTransposed(t.param(b)), a, b);
    }

    @Property(tries = TRIES)
    void matmulLeftTransposed(@ForAll("matmulPairs") Pair c) {
        Parameter a = p("A", transpose(c.a())), b = p("B", c.b());
        check(t -> t.param(a).transposedMatmul(t.param(b)), a, b);
    }

    @Property(tries = TRIES)
    void affineOfTwoPairsAndABias(@ForAll("matmulPairs") Pair first, @ForAll("seeds") long seed) {
        java.util.Random r = new java.util.Random(seed);
        int rows = first.a().length;
        int cols = first.b()[0].length;
        int inner = 1 + r.nextInt(6);
        Parameter x = p("x", first.a()), w = p("W", first.b());
        Parameter h = p("h", randomMatrix(r, rows, inner)), u = p("U", randomMatrix(r, inner, cols));
        Parameter b = p("b", randomMatrix(r, 1, cols));
        check(t -> t.affine(t.param(b), t.param(x), t.param(w), t.param(h), t.param(u)), x, w, h, u, b);
        Tape t = new Tape();
        double[][] composed = t.param(x).matmul(t.param(w)).plus(t.param(h).matmul(t.param(u))).plus(t.param(b)).toArray();
        double[][] fused = t.affine(t.param(b), t.param(x), t.param(w), t.param(h), t.param(u)).toArray();
        for (int i = 0; i < rows; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(composed[i], fused[i], 1e-12);
        }
    }

    @Property(tries = TRIES)
    void productSumWithFanOut(@ForAll("sameShapePairs") Pair first, @ForAll("sameShapePairs") Pair second) {
        double[][] c = first.a().length == second.a().length && first.a()[0].length == second.a()[0].length ? second.a() : first.b();
        Parameter a = p("a", first.a()), b = p("b", first.b()), cc = p("c", c);
        check(t -> t.productSum(t.param(a), t.param(b), t.param(cc), t.param(a)), a, b, cc);
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    static double[][] randomMatrix(java.util.Random r, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = 2 * r.nextDouble() - 1;
            }
        }
        return m;
    }

    // ---- element-wise binary with broadcast -----------------------------------------------------------------------

    @Property(tries = TRIES)
    void add(@ForAll("broadcastPairs") Pair c) {
        Parameter a = p("a", c.a()), b = p("b", c.b());
        check(t -> t.param(a).plus(t.param(b)), a, b);
    }

    @Property(tries = TRIES)
    void subtract(@ForAll("broadcastPairs") Pair c) {
        Parameter a = p("a", c.a()), b = p("b", c.b());
        check(t -> t.param(a).minus(t.param(b)), a, b);
    }

    @Property(tries = TRIES)
    void multiply(@ForAll("broadcastPairs") Pair c) {
        Parameter a = p("a", c.a()), b = p("b", c.b());
        check(t -> t.param(a).times(t.param(b)), a, b);
    }

    @Property(tries = TRIES)
    void divide(@ForAll("broadcastPairs") Pair c) {
        Parameter a = p("a", c.a()), b = p("b", c.b());
        check(t -> t.param(a).div(t.param(b)), a, b);
    }

    // ---- element-wise unary -----------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void scaleShiftFamily(@ForAll("matrices") double[][] v, @ForAll("scalars") double c) {
        Parameter x = p("x", v);
        check(t -> t.param(x).times(c).plus(c).negate().oneMinus(), x);
    }

    @Provide
    Arbitrary<Double> scalars() {
        return TapegradArbitraries.values(3);
    }

    @Property(tries = TRIES)
    void exp(@ForAll("matrices") double[][] v) {
        Parameter x = p("x", v);
        check(t -> t.param(x).exp(), x);
    }

    @Property(tries = TRIES)
    void log(@ForAll("positives") double[][] v) {
        Parameter x = p("x", v);
        check(t -> t.param(x).log(), x);
    }

    @Property(tries = TRIES)
    void tanh(@ForAll("matrices") double[][] v) {
        Parameter x = p("x", v);
        check(t -> t.param(x).tanh(), x);
    }

    @Property(tries = TRIES)
    void sigmoid(@ForAll("matrices") double[][] v) {
        Parameter x = p("x", v);
        check(t -> t.param(x).sigmoid(), x);
    }

    @Property(tries = TRIES)
    void relu(@ForAll("awayFromZero") double[][] v) {
        Parameter x = p("x", v);
        check(t -> t.param(x).relu(), x);
    }

    // ---- reductions -------------------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void sumAndMeanOnEveryAxis(@ForAll("matrices") double[][] v, @ForAll("axes") int axis) {
        Parameter x = p("x", v);
        Function<Var, Var> reduce = switch (axis) {
            case 0 -> Var::sum;
            case 1 -> Var::mean;
            case 2 -> Var::sumRows;
            case 3 -> Var::meanRows;
            case 4 -> Var::sumColumns;
            default -> Var::meanColumns;
        };
        check(t -> reduce.apply(t.param(x)), x);
    }

    @Provide
    Arbitrary<Integer> axes() {
        return Arbitraries.integers().between(0, 5);
    }

    // ---- structure --------------------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void columnSlice(@ForAll("matrices") double[][] v, @ForAll("fractions") double f1, @ForAll("fractions") double f2) {
        int cols = v[0].length;
        int from = (int) Math.min(cols - 1, Math.floor(f1 * cols));
        int to = from + 1 + (int) Math.floor(f2 * (cols - from - 1));
        Parameter x = p("x", v);
        check(t -> t.param(x).columns(from, to), x);
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 0.999).ofScale(3);
    }

    @Property(tries = TRIES)
    void columnConcatWithFanOut(@ForAll("broadcastPairs") Pair c) {
        Parameter a = p("a", c.a()), b = p("b", c.a().length == c.b().length ? c.b() : c.a());
        check(t -> t.concatColumns(t.param(a), t.param(b), t.param(a)), a, b);
    }

    @Property(tries = TRIES)
    void rowGatherWithRepeatedIndices(@ForAll("matrices") double[][] table, @ForAll("indexSeeds") int[] seeds) {
        int[] idx = new int[seeds.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = seeds[i] % table.length;
        }
        Parameter x = p("table", table);
        check(t -> t.param(x).gatherRows(idx), x);
    }

    @Provide
    Arbitrary<int[]> indexSeeds() {
        return Arbitraries.integers().between(0, 100).array(int[].class).ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = TRIES)
    void rowSelect(@ForAll("sameShapePairs") Pair c, @ForAll long maskBits) {
        boolean[] mask = new boolean[c.a().length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = ((maskBits >>> i) & 1) == 1;
        }
        Parameter a = p("a", c.a()), b = p("b", c.b());
        check(t -> t.selectRows(mask, t.param(a), t.param(b)), a, b);
    }

    // ---- softmax and losses -----------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void softmax(@ForAll("matrices") double[][] v) {
        Parameter x = p("x", v);
        check(t -> t.param(x).softmax(), x);
    }

    @Property(tries = TRIES)
    void softmaxCrossEntropy(@ForAll("matrices") double[][] logits, @ForAll("indexSeeds") int[] seeds) {
        int[] targets = new int[logits.length];
        for (int i = 0; i < targets.length; i++) {
            int s = seeds[i % seeds.length];
            targets[i] = s % 7 == 0 ? SoftmaxCrossEntropy.IGNORE : s % logits[0].length;
        }
        Parameter x = p("logits", logits);
        check(t -> t.param(x).crossEntropy(targets), x);
    }

    @Property(tries = TRIES)
    void sigmoidBinaryCrossEntropy(@ForAll("sameShapePairs") Pair c) {
        Parameter x = p("logits", c.a()), y = p("targets", c.b());
        check(t -> t.param(x).binaryCrossEntropy(t.param(y)), x, y);
    }

    @Property(tries = TRIES)
    void squaredError(@ForAll("sameShapePairs") Pair c) {
        Parameter x = p("prediction", c.a()), y = p("target", c.b());
        check(t -> t.param(x).squaredError(t.param(y)), x, y);
    }

    static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }
}
