package org.tapegrad.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;

/** Kernels are values held by a tape: two tapes in one JVM may run different ones, and a user's kernel plugs in. */
class KernelsTest {

    /** A user's GEMM: delegates to the plain-Java kernel and counts its calls. */
    static final class CountingGemm implements GemmKernel {
        final AtomicInteger calls = new AtomicInteger();
        final GemmKernel inner = new JavaGemm(1);

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate) {
            calls.incrementAndGet();
            inner.gemm(transA, transB, m, n, k, a, b, c, accumulate);
        }
    }

    @Test
    void aUsersKernelRunsOnlyOnItsOwnTape() {
        CountingGemm counting = new CountingGemm();
        Tape mine = new Tape(Kernels.defaults().withGemm(counting));
        Tape other = new Tape(new Kernels(new JavaGemm(1), new ScalarActivations()));
        Parameter w = Parameter.of("w", new double[][] {{1, 2}, {3, 4}});
        double viaMine = mine.constant(new double[][] {{1, 1}}).matmul(w).sum().item();
        double viaOther = other.constant(new double[][] {{1, 1}}).matmul(w).sum().item();
        assertEquals(1, counting.calls.get());
        assertEquals(viaOther, viaMine, 0.0);
        mine.backward(mine.constant(new double[][] {{1, 1}}).matmul(w).sum());
        assertEquals(3, counting.calls.get(), "forward + the weight's VJP (the constant needs none)");
        assertEquals("counting", mine.kernels().gemm().name());
        assertEquals("java", other.kernels().activations().name());
    }

    @Test
    void aBadThreadCountIsAOneLineErrorWhereAKernelIsMadeNotAFailedClass() {
        String before = System.getProperty("tapegrad.threads");
        try {
            System.setProperty("tapegrad.threads", "many");
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new JavaGemm());
            assertEquals("tapegrad.threads=many: expected a positive whole number of threads", e.getMessage());
            System.setProperty("tapegrad.threads", "1");
            assertEquals("java", new JavaGemm().name(), "the same class works once the property is fixed");
        } finally {
            if (before == null) {
                System.clearProperty("tapegrad.threads");
            } else {
                System.setProperty("tapegrad.threads", before);
            }
        }
    }

    @Test
    void defaultsAreOneValue() {
        assertSame(Kernels.defaults(), Kernels.defaults());
        assertSame(Kernels.defaults(), new Tape().kernels());
    }
}
