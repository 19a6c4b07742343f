package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tapegrad.op.Shape;
import org.tapegrad.op.ShapeException;

class TapeTest {

    @Test
    void shapesOfEveryFluentOp() {
        Tape t = new Tape();
        Var x = t.constant(new double[3][4]);
        Var w = t.constant(new double[4][5]);
        assertEquals(new Shape(3, 5), x.matmul(w).shape());
        assertEquals(new Shape(3, 3), x.matmulBT(x).shape());
        assertEquals(new Shape(4, 4), x.matmulAT(x).shape());
        assertEquals(new Shape(3, 4), x.plus(t.row(1, 2, 3, 4)).shape());
        assertEquals(new Shape(3, 4), x.times(t.constant(new double[][] {{1}, {2}, {3}})).shape());
        assertEquals(new Shape(1, 1), x.sum().shape());
        assertEquals(new Shape(3, 1), x.sumRows().shape());
        assertEquals(new Shape(1, 4), x.meanColumns().shape());
        assertEquals(new Shape(3, 2), x.columns(1, 3).shape());
        assertEquals(new Shape(3, 9), Ops.concatColumns(x, x.columns(0, 1), x).shape());
        assertEquals(new Shape(5, 4), x.gatherRows(0, 2, 2, 1, 0).shape());
        assertEquals(new Shape(3, 1), x.crossEntropy(0, 3, -1).shape());
    }

    @Test
    void incompatibleShapesFailAtRecordingNamingTheOpAndBothShapes() {
        Tape t = new Tape();
        Var a = t.constant(new double[32][64]);
        Var b = t.constant(new double[128][256]);
        ShapeException e = assertThrows(ShapeException.class, () -> a.matmul(b));
        assertEquals("matmul: [32×64]·[128×256]: inner dimensions 64 ≠ 128", e.getMessage());
        ShapeException add = assertThrows(ShapeException.class, () -> a.plus(t.constant(new double[2][64])));
        assertTrue(add.getMessage().startsWith("add: [32×64], [2×64]: expected the second shape"), add.getMessage());
        ShapeException swap = assertThrows(ShapeException.class, () -> t.row(1, 2).plus(t.constant(new double[3][2])));
        assertTrue(swap.getMessage().contains("swap them"), swap.getMessage());
        assertThrows(ShapeException.class, () -> a.columns(10, 70));
        assertThrows(ShapeException.class, () -> a.gatherRows(32));
        assertThrows(ShapeException.class, () -> a.crossEntropy(1, 2));
        assertThrows(ShapeException.class, () -> a.crossEntropy(new int[32]).plus(0).crossEntropy(new int[] {5}));
        assertThrows(ShapeException.class, () -> Ops.concatColumns(a, b));
        assertThrows(ShapeException.class, () -> a.squaredError(b));
        ShapeException affine = assertThrows(ShapeException.class, () -> Ops.affine(t.row(new double[256]), a, t.constant(new double[64][256]), t.constant(new double[32][8]), t.constant(new double[9][256])));
        assertEquals("affine: [32×8]·[9×256]: inner dimensions 8 ≠ 9", affine.getMessage());
        assertThrows(ShapeException.class, () -> Ops.affine(t.row(new double[255]), a, t.constant(new double[64][256])));
        assertThrows(IllegalArgumentException.class, () -> Ops.affine(t.row(1), a));
        ShapeException productSum = assertThrows(ShapeException.class, () -> Ops.productSum(a, a, a, t.constant(new double[32][63])));
        assertEquals("product_sum: [32×64], [32×64], [32×64], [32×63]: expected four inputs of one shape (a⊙b + c⊙d)", productSum.getMessage());
        assertEquals(0, t.size(), "nothing is recorded by a failed op");
    }

    @Test
    void aValueUsedManyTimesReceivesTheSumOfItsUses() {
        Tape t = new Tape();
        Parameter w = Parameter.of("w", new double[][] {{2.0}});
        Var wv = t.param(w);
        assertSame(wv, t.param(w), "one leaf per parameter per recording");
        Var y = wv.times(wv).plus(wv.times(3.0)).plus(wv);   // y = w² + 4w, dy/dw = 2w + 4 = 8
        t.backward(y);
        assertEquals(8.0, w.grad().get(0, 0), 1e-15);
        assertEquals(8.0, wv.grad().get(0, 0), 1e-15);
    }

    @Test
    void gradientsOfIntermediatesAreReadableAfterBackward() {
        Tape t = new Tape();
        Parameter x = Parameter.of("x", new double[][] {{0.5, -1.0}});
        Var h = t.param(x).tanh().retainGrad();
        Var loss = h.times(h).sum();
        t.backward(loss);
        for (int j = 0; j < 2; j++) {
            double hv = Math.tanh(x.value().get(0, j));
            assertEquals(2 * hv, h.grad().get(0, j), 1e-15);
            assertEquals(2 * hv * (1 - hv * hv), x.grad().get(0, j), 1e-15);
        }
    }

    @Test
    void parameterGradientsAccumulateAcrossTapesUntilZeroed() {
        Parameter w = Parameter.of("w", new double[][] {{1.0, 2.0}});
        Tape t = new Tape();
        for (int step = 0; step < 3; step++) {
            t.backward(t.param(w).sum());
            t.reset();
        }
        assertArrayEquals(new double[] {3, 3}, Layout.toRowMajorFlat(w.grad()));
        w.zeroGrad();
        assertArrayEquals(new double[] {0, 0}, Layout.toRowMajorFlat(w.grad()));
    }

    @Test
    void detachStopsGradients() {
        Tape t = new Tape();
        Parameter w = Parameter.of("w", new double[][] {{3.0}});
        Var a = t.param(w).times(2.0);
        Var y = a.times(a.detach());      // y = 2w · const(2w) ⇒ dy/dw = 2 · 6 = 12
        t.backward(y);
        assertEquals(12.0, w.grad().get(0, 0), 1e-15);
        assertFalse(a.detach().requiresGrad());
        assertThrows(IllegalStateException.class, () -> a.detach().grad());
    }

    @Test
    void noGradScopeComputesButDoesNotRecord() {
        Tape t = new Tape();
        Parameter w = Parameter.of("w", new double[][] {{0.3}});
        Var y;
        try (NoGrad ignored = t.noGrad()) {
            assertFalse(t.isRecording());
            y = t.param(w).tanh();
        }
        assertTrue(t.isRecording());
        assertEquals(Math.tanh(0.3), y.item(), 1e-15);
        assertFalse(y.requiresGrad());
        assertEquals(0, t.size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.backward(y));
        assertTrue(e.getMessage().contains("does not depend on anything that needs a gradient"));
    }

    @Test
    void backwardNeedsAScalarOrASeed() {
        Tape t = new Tape();
        Parameter w = Parameter.of("w", new double[][] {{1, 2}, {3, 4}});
        Var y = t.param(w).times(2.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.backward(y));
        assertTrue(e.getMessage().contains("[2×2], not a 1×1 scalar"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.backward(y, org.ojalgo.matrix.store.R064Store.FACTORY.make(1, 2)));
        t.backward(y, org.ojalgo.matrix.store.R064Store.FACTORY.copy(org.ojalgo.matrix.store.RawStore.wrap(new double[][] {{1, 0}, {0, 1}})));
        assertArrayEquals(new double[] {2, 0, 0, 2}, Layout.toRowMajorFlat(w.grad()));
    }

    @Test
    void varsOfAResetTapeCannotBeUsed() {
        Tape t = new Tape();
        Parameter w = Parameter.of("w", new double[][] {{1}});
        Var loss = t.param(w).times(2.0);
        t.backward(loss);
        t.reset();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.backward(loss));
        assertTrue(e.getMessage().contains("before the tape was reset()"), e.getMessage());
        assertThrows(IllegalStateException.class, loss::item);
        assertThrows(IllegalStateException.class, () -> loss.tanh());
        assertThrows(IllegalStateException.class, () -> t.param(w).grad(), "no backward yet on the new recording");
    }

    @Test
    void repeatedBackwardRecomputesIntermediatesAndAccumulatesParameters() {
        Tape t = new Tape();
        Parameter w = Parameter.of("w", new double[][] {{2.0}});
        Var h = t.param(w).times(3.0).retainGrad();
        Var y = h.times(h);
        t.backward(y);
        t.backward(y);
        assertEquals(12.0, h.grad().get(0, 0), 1e-15, "not 24: intermediates restart at zero");
        assertEquals(72.0, w.grad().get(0, 0), 1e-15, "parameters accumulate: 2 × 36");
    }

    @Test
    void inputsFromAnotherTapeAreRejected() {
        Tape a = new Tape();
        Tape b = new Tape();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.row(1).plus(b.row(1)));
        assertTrue(e.getMessage().contains("another tape"));
    }

    @Test
    void resetReturnsBuffersSoARepeatedStepAllocatesNoArrays() {
        Tape t = new Tape();
        Parameter w = Parameter.of("w", new double[8][16]);
        Parameter b = Parameter.of("b", new double[1][16]);
        double[][] x = new double[4][8];
        long afterFirst = -1;
        for (int step = 0; step < 20; step++) {
            Var h = t.constant(x).matmul(w).plus(b).tanh();
            t.backward(h.crossEntropy(0, 1, 2, 3).mean());
            t.reset();
            if (step == 0) {
                afterFirst = t.pooledElementsAllocated();
            }
        }
        assertTrue(afterFirst > 0);
        assertEquals(afterFirst, t.pooledElementsAllocated(), "steady-state steps reuse every buffer");
    }

    @Test
    void anomalyModeNamesTheFirstOpProducingNonFiniteValues() {
        Tape t = new Tape();
        t.setAnomalyDetection(true);
        Var x = t.row(-1.0, 2.0);
        AnomalyException e = assertThrows(AnomalyException.class, () -> x.log());
        assertTrue(e.getMessage().startsWith("log produced a non-finite output [1×2] from inputs ([1×2]), recorded at org.tapegrad.tape.TapeTest"), e.getMessage());
        Parameter tiny = Parameter.of("tiny", new double[][] {{Double.MIN_VALUE}});
        Var v = t.param(tiny).log().sum();     // log(4.9e-324) = -744.4 is finite, its derivative 1/x is not
        AnomalyException back = assertThrows(AnomalyException.class, () -> t.backward(v));
        assertTrue(back.getMessage().startsWith("log backward produced a non-finite gradient for an input of ([1×1]), recorded at org.tapegrad.tape.TapeTest"), back.getMessage());
    }

    @Test
    void anomalyModeIsOffByDefault() {
        Tape t = new Tape();
        assertTrue(Double.isNaN(t.row(-1.0).log().item()));
    }

    @Test
    void sigmoidAndLossesStayFiniteForExtremeLogits() {
        Tape t = new Tape();
        t.setAnomalyDetection(true);
        Var x = t.row(-800, -40, 0, 40, 800);
        assertArrayEquals(new double[] {0, 4.248354255291589e-18, 0.5, 1, 1}, x.sigmoid().toArray()[0], 1e-30);
        assertEquals(1600.0, x.crossEntropy(0).item(), 1e-9);
        double[] bce = x.binaryCrossEntropy(t.row(1, 1, 1, 0, 0)).toArray()[0];
        assertEquals(800.0, bce[0], 1e-9);
        assertEquals(800.0, bce[4], 1e-9);
        assertEquals(Math.log(2), bce[2], 1e-15);
        assertArrayEquals(new double[] {-1, -1, 0, 1, 1}, x.tanh().toArray()[0], 1e-15);
    }
}
