package org.tapegrad.bench;

import dev.ludovic.netlib.blas.BLAS;
import org.tapegrad.kernel.GemmKernel;

/**
 * {@code dev.ludovic.netlib} BLAS ({@code dgemm}, {@code sgemm} for float32) behind the engine's kernel interface, so {@link GemmBenchmark} can
 * measure it beside ours: its pure-JVM implementation ({@code netlib-java}) and, where a system BLAS such as OpenBLAS
 * is installed, the native one ({@code netlib-native}, threads set by {@code OMP_NUM_THREADS}).
 */
final class NetlibGemm implements GemmKernel {

    private final String name;
    private final BLAS blas;

    private NetlibGemm(String name, BLAS blas) {
        this.name = name;
        this.blas = blas;
    }

    /** {@code netlib-java} or {@code netlib-native}; the latter throws when no native BLAS can be loaded. */
    static NetlibGemm of(String name) {
        switch (name) {
            case "netlib-java":
                return new NetlibGemm(name, dev.ludovic.netlib.blas.JavaBLAS.getInstance());
            case "netlib-native":
                return new NetlibGemm(name, dev.ludovic.netlib.blas.NativeBLAS.getInstance());
            default:
                throw new IllegalArgumentException("netlib kernel " + name + ": expected netlib-java or netlib-native");
        }
    }

    @Override
    public String name() {
        return name + " (" + blas.getClass().getSimpleName() + ")";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate) {
        blas.dgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k, 1.0, a, transA ? k : m, b, transB ? n : k,
                accumulate ? 1.0 : 0.0, c, m);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
        blas.sgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k, 1f, a, transA ? k : m, b, transB ? n : k,
                accumulate ? 1f : 0f, c, m);
    }
}
