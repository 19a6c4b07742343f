package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.ColumnRangeGemm;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.PackedOperand;
import org.tapegrad.kernel.VectorGemm;
import org.tapegrad.op.DType;

/**
 * A tape packs a value used again and again as a product's right operand (a recurrent weight) from its second use on;
 * nothing it computes may change by a bit, a parameter changed during the recording must be read as changed, and the
 * panels count as held memory until the reset.
 */
class PackedOperandsTest {

    /** The vector kernel, counting the operands it packs; {@code packs = false}: the same kernel with no packed form. */
    private static final class CountingGemm implements ColumnRangeGemm {
        private final VectorGemm inner;
        private final boolean packs;
        int packed;

        CountingGemm(int threads, boolean packs) {
            this.inner = new VectorGemm(threads);
            this.packs = packs;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public int threads() {
            return inner.threads();
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate) {
            inner.gemm(transA, transB, m, n, k, a, b, c, accumulate);
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
            inner.gemm(transA, transB, m, n, k, a, b, c, accumulate);
        }

        @Override
        public void gemmColumns(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c,
                boolean accumulate, int from, int to) {
            inner.gemmColumns(transA, transB, m, n, k, a, b, c, accumulate, from, to);
        }

        @Override
        public void gemmColumns(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c,
                boolean accumulate, int from, int to) {
            inner.gemmColumns(transA, transB, m, n, k, a, b, c, accumulate, from, to);
        }

        @Override
        public PackedOperand pack(boolean transB, int k, int n, double[] b, int rows, PackedOperand reuse) {
            PackedOperand p = packs ? inner.pack(transB, k, n, b, rows, reuse) : null;
            packed += p == null ? 0 : 1;
            return p;
        }

        @Override
        public PackedOperand pack(boolean transB, int k, int n, float[] b, int rows, PackedOperand reuse) {
            PackedOperand p = packs ? inner.pack(transB, k, n, b, rows, reuse) : null;
            packed += p == null ? 0 : 1;
            return p;
        }

        @Override
        public void gemm(boolean transA, int m, int n, int k, double[] a, PackedOperand b, double[] c, boolean accumulate) {
            inner.gemm(transA, m, n, k, a, b, c, accumulate);
        }

        @Override
        public void gemm(boolean transA, int m, int n, int k, float[] a, PackedOperand b, float[] c, boolean accumulate) {
            inner.gemm(transA, m, n, k, a, b, c, accumulate);
        }

        @Override
        public void gemmColumns(boolean transA, int m, int n, int k, double[] a, PackedOperand b, double[] c, boolean accumulate,
                int from, int to) {
            inner.gemmColumns(transA, m, n, k, a, b, c, accumulate, from, to);
        }

        @Override
        public void gemmColumns(boolean transA, int m, int n, int k, float[] a, PackedOperand b, float[] c, boolean accumulate,
                int from, int to) {
            inner.gemmColumns(transA, m, n, k, a, b, c, accumulate, from, to);
        }
    }

    /** A tanh RNN with an input (a variable: its gradient is wanted, so Wxᵀ is used too) unrolled over {@code steps}. */
    private static double[] rnn(CountingGemm gemm, DType dtype, int batch, int steps, Tape[] keep) {
        Random random = new Random(17);
        int in = 24;
        int hidden = 40;
        Parameter wx = new Parameter("wx", gaussian(in, hidden, random, 0.3)).to(dtype);
        Parameter wh = new Parameter("wh", gaussian(hidden, hidden, random, 0.2)).to(dtype);
        Parameter b = new Parameter("b", gaussian(1, hidden, random, 0.1)).to(dtype);
        Tape tape = new Tape(Kernels.defaults().withGemm(gemm), dtype);
        List<Var> xs = new ArrayList<>();
        Var h = tape.filled(batch, hidden, 0);
        for (int t = 0; t < steps; t++) {
            Var x = tape.variable(gaussian(batch, in, random, 1));
            xs.add(x);
            h = Ops.affine(tape.param(b), x, tape.param(wx), h, tape.param(wh)).tanh();
        }
        Gradients g = tape.backward(h.sum());
        List<Double> out = new ArrayList<>();
        for (MatrixStore<Double> s : List.of(h.value(), wx.grad(), wh.grad(), b.grad(), g.of(xs.get(0)))) {
            for (long i = 0; i < s.count(); i++) {
                out.add(s.doubleValue(i));
            }
        }
        if (keep != null) {
            keep[0] = tape;
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void packedWeightsChangeNoBitOfAnUnrolledRecurrence() {
        assumeTrue(Kernels.vectorAvailable());
        for (DType dtype : DType.values()) {
            for (int threads : new int[] {1, 2}) {
                CountingGemm packing = new CountingGemm(threads, true);
                double[] withPanels = rnn(packing, dtype, 20, 7, null);
                double[] plain = rnn(new CountingGemm(threads, false), dtype, 20, 7, null);
                assertArrayEquals(plain, withPanels, dtype + ", " + threads + " threads");
                // Wx and Wh forward, Wxᵀ and Whᵀ backward: each packed once, on its second use.
                assertEquals(4, packing.packed, dtype + ", " + threads + " threads");
            }
        }
    }

    @Test
    void aTapeToldNotToPackReadsEveryOperandInPlace() {
        assumeTrue(Kernels.vectorAvailable());
        CountingGemm gemm = new CountingGemm(1, true);
        Tape tape = new Tape(Kernels.defaults().withGemm(gemm));
        tape.setPackRepeatedOperands(false);
        Parameter w = new Parameter("w", gaussian(16, 24, new Random(8), 1));
        Var x = tape.constant(gaussian(12, 16, new Random(9), 1));
        for (int t = 0; t < 4; t++) {
            Ops.affine(tape.param(new Parameter("b", 1, 24)), x, tape.param(w));
        }
        assertEquals(0, gemm.packed);
        assertEquals(false, tape.packsRepeatedOperands());
    }

    @Test
    void aWeightUsedOnceIsNotPacked() {
        assumeTrue(Kernels.vectorAvailable());
        CountingGemm gemm = new CountingGemm(1, true);
        rnn(gemm, DType.F64, 20, 1, null);
        assertEquals(0, gemm.packed);
    }

    @Test
    void thePanelsAreHeldMemoryUntilTheReset() {
        assumeTrue(Kernels.vectorAvailable());
        Tape[] tape = new Tape[1];
        CountingGemm gemm = new CountingGemm(1, true);
        rnn(gemm, DType.F64, 20, 7, tape);
        long withPanels = tape[0].bytesHeld();
        Tape[] plainTape = new Tape[1];
        rnn(new CountingGemm(1, false), DType.F64, 20, 7, plainTape);
        // Wx (24×40) and Wh (40×40) forward, their transposes (40×24 and 40×40) backward, in panels of 8 columns.
        long panels = 8L * (24 * 40 + 40 * 40 + 40 * 24 + 40 * 40);
        assertEquals(plainTape[0].bytesHeld() + panels, withPanels);
        tape[0].reset();
        assertEquals(0, tape[0].bytesHeld());
    }

    @Test
    void aParameterChangedDuringTheRecordingIsReadAsChanged() {
        assumeTrue(Kernels.vectorAvailable());
        for (DType dtype : DType.values()) {
            Random random = new Random(5);
            Parameter w = new Parameter("w", gaussian(16, 24, random, 1)).to(dtype);
            Parameter b = new Parameter("b", 1, 24).to(dtype);
            MatrixStore<Double> x = gaussian(12, 16, random, 1);
            CountingGemm gemm = new CountingGemm(1, true);
            Tape tape = new Tape(Kernels.defaults().withGemm(gemm), dtype);
            Var xv = tape.constant(x);
            Ops.affine(tape.param(b), xv, tape.param(w));
            Ops.affine(tape.param(b), xv, tape.param(w));   // the second use packs w
            assertEquals(1, gemm.packed, dtype.toString());
            w.update((value, grad) -> {
                for (int i = 0; i < value.length; i++) {
                    value[i] = -2 * value[i] + 0.5;
                }
            });
            Var after = Ops.affine(tape.param(b), xv, tape.param(w));
            Tape fresh = new Tape(Kernels.defaults().withGemm(new CountingGemm(1, false)), dtype);
            Var expected = Ops.affine(fresh.param(b), fresh.constant(x), fresh.param(w));
            assertEquals(2, gemm.packed, dtype + ": packed again after the update");
            for (long i = 0; i < expected.value().count(); i++) {
                assertEquals(Double.doubleToLongBits(expected.value().doubleValue(i)), Double.doubleToLongBits(after.value().doubleValue(i)),
                        dtype + " element " + i);
            }
        }
    }

    private static R064Store gaussian(int rows, int cols, Random random, double scale) {
        R064Store s = R064Store.FACTORY.make(rows, cols);
        for (int i = 0; i < s.data.length; i++) {
            s.data[i] = random.nextGaussian() * scale;
        }
        return s;
    }
}
