package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.op.DType;

/**
 * Every op whose loops or products are split over the tape's threads gives, forward and backward, the bits of a
 * one-thread tape, in float64 and float32: shapes large enough that each loop is split (64×640 elements).
 */
class ThreadSplitTest {

    private static final int ROWS = 64;
    private static final int COLS = 640;

    @Test
    void splitOpsHaveTheBitsOfOneThread() {
        assumeTrue(Kernels.maxThreads() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        Kernels one = Kernels.defaults().withGemm(Kernels.gemm(null, 1));
        Kernels two = Kernels.defaults().withGemm(Kernels.gemm(null, 2));
        for (DType dtype : DType.values()) {
            double[] expected = run(one, dtype);
            for (int repeat = 0; repeat < 3; repeat++) {
                assertArrayEquals(expected, run(two, dtype), dtype + " run " + repeat);
            }
        }
    }

    /** The loss, then every parameter's gradient, of a loss touching each split op once. */
    private static double[] run(Kernels kernels, DType dtype) {
        Random random = new Random(17);
        Parameter pa = parameter("a", ROWS, COLS, -2, 2, random, dtype);
        Parameter pb = parameter("b", ROWS, COLS, 0.5, 2, random, dtype);
        Parameter pr = parameter("r", 1, COLS, -1, 1, random, dtype);
        Parameter px = parameter("x", ROWS, 48, -1, 1, random, dtype);
        Parameter pw = parameter("w", 48, COLS, -0.2, 0.2, random, dtype);
        Parameter ph = parameter("h", ROWS, 80, -1, 1, random, dtype);
        Parameter pu = parameter("u", 80, COLS, -0.2, 0.2, random, dtype);
        List<Parameter> all = List.of(pa, pb, pr, px, pw, ph, pu);
        Tape tape = new Tape(kernels, dtype);
        Var a = tape.param(pa);
        Var b = tape.param(pb);
        Var r = tape.param(pr);
        List<Var> terms = new ArrayList<>();
        terms.add(a.sigmoid());
        terms.add(a.tanh());
        terms.add(a.times(0.5).exp());
        terms.add(b.log());
        terms.add(a.relu());
        terms.add(a.oneMinus());
        terms.add(a.plus(b));
        terms.add(a.minus(b));
        terms.add(a.times(b));
        terms.add(a.div(b));
        terms.add(a.times(a));
        terms.add(a.plus(r));
        terms.add(a.times(r));
        terms.add(Ops.productSum(a.sigmoid(), b, a, a.tanh()));
        terms.add(Ops.productSum(a, b, a, a.plus(r)));   // a's gradient accumulator shared by two terms
        terms.add(a.columns(16, 600));
        terms.add(Ops.affine(r, tape.param(px), tape.param(pw), tape.param(ph), tape.param(pu)));
        terms.add(Ops.affine(r, a.columns(0, 48), tape.param(pw), a.columns(0, 48), tape.param(pw)));   // x and W used twice
        Var loss = null;
        for (Var t : terms) {
            Var s = t.times(t).sum();
            loss = loss == null ? s : loss.plus(s);
        }
        for (Parameter p : all) {
            p.zeroGrad();
        }
        tape.backward(loss);
        List<Double> bits = new ArrayList<>();
        bits.add(loss.item());
        for (Parameter p : all) {
            for (double[] row : Layout.toRowMajor(p.grad())) {
                for (double v : row) {
                    bits.add(v);
                }
            }
        }
        return bits.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Parameter parameter(String name, int rows, int cols, double lo, double hi, Random random, DType dtype) {
        R064Store v = R064Store.FACTORY.make(rows, cols);
        for (int i = 0; i < v.data.length; i++) {
            v.data[i] = lo + (hi - lo) * random.nextDouble();
        }
        Parameter p = new Parameter(name, v);
        p.to(dtype);
        return p;
    }
}
