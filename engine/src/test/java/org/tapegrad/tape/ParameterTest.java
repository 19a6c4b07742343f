package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tapegrad.op.ShapeException;

class ParameterTest {

    @Test
    void changesOnlyThroughItsExplicitMutators() {
        Parameter p = Parameter.of("p", new double[][] {{1, 2, 3}, {4, 5, 6}});
        Parameter.Snapshot before = p.snapshot();
        p.assign(new double[][] {{0, 0, 0}, {0, 0, 7}});
        assertEquals(7.0, p.value().get(1, 2));
        p.update((value, grad) -> {
            assertNull(grad, "no gradient yet");
            value[0] = -1;
        });
        assertEquals(-1.0, p.value().get(0, 0), "storage index 0 is element (0, 0)");
        p.restore(before);
        assertArrayEquals(new double[][] {{1, 2, 3}, {4, 5, 6}}, Layout.toRowMajor(p.value()));
        assertArrayEquals(new double[][] {{1, 2, 3}, {4, 5, 6}}, Layout.toRowMajor(before.value()), "a snapshot is a copy");
        p.accumulateGrad(Layout.matrix(new double[][] {{1, 1, 1}, {1, 1, 1}}));
        p.updateGrad(g -> g[Layout.rowOf(5, p.shape()) + 2 * Layout.columnOf(5, p.shape())] *= 10);
        assertEquals(10.0, p.grad().get(1, 2));
        p.zeroGrad();
        assertEquals(0.0, p.grad().get(1, 2));
        ShapeException wrong = assertThrows(ShapeException.class, () -> p.assign(new double[][] {{1}}));
        assertEquals("Parameter 'p' [2×3]: assign got [1×1]", wrong.getMessage());
    }

    @Test
    void elementCountsAboveOneArrayAreAShapeExceptionNamingTheParameter() {
        ShapeException e = assertThrows(ShapeException.class, () -> new Parameter("p", 65536, 65536));
        assertEquals("Parameter 'p': [65536×65536] has 4294967296 elements; at most 2147483647 fit in one value", e.getMessage());
        assertThrows(ShapeException.class, () -> new Parameter("q", 0, 3));
    }

    @Test
    void gradientBufferAppearsOnlyWhenAGradientArrives() {
        Parameter p = new Parameter("p", 2, 2);
        assertFalse(p.hasGrad());
        Tape t = new Tape();
        t.backward(t.param(p).sum());
        assertTrue(p.hasGrad());
        assertEquals(4, p.size());
    }
}
