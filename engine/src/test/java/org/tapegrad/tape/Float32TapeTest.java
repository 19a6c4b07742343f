package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R032Store;
import org.tapegrad.op.DType;
import org.tapegrad.op.Op;
import org.tapegrad.op.OpContext;
import org.tapegrad.op.Shape;

/** The float32 tape: storage, conversions, the one-line errors, memory and bit-reproducibility. */
class Float32TapeTest {

    @Test
    void valuesAreFloatsAndConstantsAreRoundedWhenCopiedOn() {
        Tape tape = new Tape(DType.F32);
        Var x = tape.constant(new double[][] {{0.1, 1e-50}});
        assertEquals(DType.F32, x.dtype());
        assertTrue(x.store() instanceof R032Store);
        assertEquals((double) 0.1f, x.get(0, 0));
        assertEquals(0.0, x.get(0, 1), "1e-50 underflows float");
    }

    @Test
    void aParameterOfTheOtherTypeIsAOneLineErrorNamingItAndTheFix() {
        Parameter w = Parameter.of("w", new double[][] {{1, 2}}).to(DType.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Tape().param(w));
        assertEquals("param: 'w' is a float32 parameter and this tape is float64; convert it with parameter.to(DType.F64) or record on new Tape(DType.F32)",
                e.getMessage());
        Parameter v = Parameter.of("v", new double[][] {{1, 2}});
        e = assertThrows(IllegalArgumentException.class, () -> new Tape(DType.F32).param(v));
        assertTrue(e.getMessage().startsWith("param: 'v' is a float64 parameter and this tape is float32"), e.getMessage());
    }

    @Test
    void conversionRoundsOnceAndWidensExactly() {
        Parameter p = Parameter.of("p", new double[][] {{0.1, -3.3}, {1e300, 7}});
        p.to(DType.F32);
        assertEquals(DType.F32, p.dtype());
        assertEquals((double) 0.1f, p.value().doubleValue(0, 0));
        assertEquals(Double.POSITIVE_INFINITY, p.value().doubleValue(1, 0), "1e300 overflows float, as in PyTorch");
        p.to(DType.F64);
        assertEquals((double) (float) -3.3, p.value().doubleValue(0, 1));
    }

    @Test
    void anOptimizerStepIsComputedInDoubleAndRoundedOnce() {
        Parameter p = Parameter.of("p", new double[][] {{1, 2}}).to(DType.F32);
        Tape tape = new Tape(DType.F32);
        tape.backward(tape.param(p).times(tape.param(p)).sum());   // grad 2p
        p.update((value, grad) -> {
            for (int i = 0; i < value.length; i++) {
                value[i] -= 0.1 * grad[i];
            }
        });
        assertEquals((double) (float) (1 - 0.2), p.value().doubleValue(0, 0));
        assertEquals((double) (float) (2 - 0.4), p.value().doubleValue(0, 1));
    }

    /** One LSTM-like step's buffers: a float32 tape allocates half the bytes of a float64 one for the same recording. */
    @Test
    void aFloat32RecordingPoolsHalfTheBytes() {
        long[] bytes = new long[2];
        for (DType d : DType.values()) {
            Parameter w = new Parameter("w", new Shape(8, 16), d);
            Tape tape = new Tape(d);
            Var h = tape.filled(4, 8, 0.5);
            for (int t = 0; t < 5; t++) {
                h = h.matmul(tape.param(w)).columns(0, 8).tanh();
            }
            tape.backward(h.sum());
            bytes[d.ordinal()] = tape.pooledBytesAllocated();
        }
        assertEquals(bytes[DType.F64.ordinal()], 2 * bytes[DType.F32.ordinal()]);
    }

    @Test
    void float32GradientsRepeatBitForBit() {
        assertArrayEquals(gradient(), gradient());
    }

    private static double[] gradient() {
        Random random = new Random(5);
        double[][] a = new double[6][7];
        for (double[] row : a) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian();
            }
        }
        Parameter w = Parameter.of("w", a).to(DType.F32);
        Tape tape = new Tape(DType.F32);
        Var x = tape.constant(a).matmulBT(tape.param(w)).sigmoid();
        tape.backward(x.softmax().crossEntropy(0, 1, 2, 3, 4, 5).mean());
        return Layout.toRowMajorFlat(w.grad());
    }

    /** A custom op that reads float64 stores names itself and the fix on a float32 tape instead of computing garbage. */
    @Test
    void aFloat64OnlyCustomOpFailsClearlyOnAFloat32Tape() {
        Op<Void> square = new Op<>() {
            @Override
            public String name() {
                return "my_square";
            }

            @Override
            public Shape outputShape(Shape... in) {
                return in[0];
            }

            @Override
            public Void forward(OpContext ctx) {
                double[] x = ctx.input(0).data;
                double[] y = ctx.output().data;
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] * x[i];
                }
                return null;
            }

            @Override
            public void backward(OpContext ctx, Void saved) {
            }
        };
        Tape tape = new Tape(DType.F32);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.apply(square, tape.row(1, 2)));
        assertEquals("my_square: input(0) asks for a float64 store on a float32 tape; branch on ctx.dtype() and use the ...32 accessors", e.getMessage());
        Tape f64 = new Tape();
        assertEquals(4.0, f64.apply(square, f64.row(2)).item());
    }

    @Test
    void parseAcceptsTheTwoNamesAndRejectsAnythingElseInOneLine() {
        assertEquals(DType.F32, DType.parse("F32"));
        assertEquals(DType.F64, DType.parse("float64"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DType.parse("bf16"));
        assertEquals("dtype: unknown element type 'bf16'; expected f32 or f64", e.getMessage());
    }
}
