package org.tapegrad.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** Input a numerical library must refuse, or survive, with a one-line message naming the op and the shapes. */
class BadInputTest {

    @Test
    void anOutputTooLargeForOneArrayIsAShapeExceptionNamingTheOp() {
        Tape t = new Tape();
        Var column = t.filled(50000, 1, 1.0);
        Var row = t.filled(1, 50000, 1.0);
        ShapeException e = assertThrows(ShapeException.class, () -> column.matmul(row));
        assertEquals("matmul: [50000×1], [1×50000]: the output [50000×50000] would hold 2500000000 elements; at most 2147483647 fit in one value", e.getMessage());
        assertEquals(0, t.size());
    }

    @Test
    void aBroadcastTheOtherWayRoundNamesEachAcceptedShapeOnceAndSaysToSwap() {
        Tape t = new Tape();
        ShapeException e = assertThrows(ShapeException.class, () -> t.filled(1, 640, 1.0).plus(t.filled(64, 640, 1.0)));
        assertEquals("add: [1×640], [64×640]: expected the second shape to equal the first, or to be 1×1 (only the second operand is broadcast; swap them)",
                e.getMessage());
        ShapeException square = assertThrows(ShapeException.class, () -> t.filled(3, 4, 1.0).times(t.filled(2, 4, 1.0)));
        assertEquals("mul: [3×4], [2×4]: expected the second shape to equal the first, or to be 1×4 or 3×1 or 1×1", square.getMessage());
    }

    @Test
    void binaryCrossEntropyRejectsTargetsOutsideZeroOne() {
        Tape t = new Tape();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.row(0.3, 1.0).binaryCrossEntropy(t.row(0.5, 5)));
        assertEquals("sigmoid_binary_cross_entropy: target 5.0 at (0, 1) of [1×2] is outside [0, 1]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.row(0.3).binaryCrossEntropy(t.row(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> t.row(0.3).binaryCrossEntropy(t.row(-1e-9)));
        assertEquals(Math.log(2), t.row(0.0).binaryCrossEntropy(t.row(1.0)).item(), 1e-15, "the bounds themselves are targets");
    }

    @Test
    void crossEntropyOfHugeEqualLogitsKeepsItsPrecision() {
        Tape t = new Tape();
        assertEquals(Math.log(3), t.row(1e17, 1e17, 1e17).crossEntropy(1).item(), 1e-15);
        assertEquals(Math.log(3), t.row(-1e300, -1e300, -1e300).crossEntropy(0).item(), 1e-15);
        assertEquals(2e17, t.row(1e17, -1e17).crossEntropy(1).item(), 1.0, "max − x_t, exactly");
    }

    @Test
    void sumsAndMeansOfHugeFiniteValuesStayFiniteWhenTheResultIs() {
        Tape t = new Tape();
        assertEquals(1e308, t.row(1e308, 1e308).mean().item(), 0.0);
        assertEquals(1e308, t.row(1e308, 1e308, -1e308).sum().item(), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, t.row(1e308, 1e308).sum().item(), "2e308 is not representable");
        assertEquals(4.3e307 / 3 * 10, t.constant(new double[][] {{1e308, 1.7e308, 1.6e308}, {1, 2, 3}}).meanRows().get(0, 0), 1e294);
        assertEquals(1e308, t.constant(new double[][] {{1e308}, {1e308}}).meanColumns().item(), 0.0);
        assertEquals(Double.NaN, t.row(Double.NaN, 1).sum().item(), "NaN stays NaN");
    }

    @Test
    void opsRejectTheWrongNumberOfInputs() {
        Tape t = new Tape();
        ShapeException e = assertThrows(ShapeException.class, () -> t.apply(Tanh.INSTANCE, t.row(1), t.row(2)));
        assertEquals("tanh: [1×1], [1×1]: expected 1 input, got 2", e.getMessage());
        assertThrows(ShapeException.class, () -> t.apply(Add.INSTANCE, t.row(1)));
        assertThrows(ShapeException.class, () -> t.apply(MatMul.PLAIN, t.row(1)));
    }
}
