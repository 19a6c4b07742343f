package org.tapegrad.kernel;

import java.lang.System.Logger.Level;

import org.ojalgo.OjAlgoUtils;
import org.ojalgo.matrix.store.R064Store;

/**
 * The matrix product every matmul and matmul VJP goes through, over {@link R064Store}s.
 *
 * <p>The kernel is chosen once, at class initialization, and logged once: {@code vector} (the JDK Vector API, when
 * the JVM runs with {@code --add-modules jdk.incubator.vector}), otherwise {@code java} (plain loops the JIT
 * vectorizes). The system property {@code tapegrad.gemm=vector|java|ojalgo} overrides the choice; {@code ojalgo} is
 * ojAlgo's own multiply, the reference. ojAlgo's thread pool is limited to one thread here because the engine
 * decides its own parallelism: large products are split over blocks of columns of {@code C} on a small pool of
 * daemon threads, at most {@code -Dtapegrad.threads=N} (default: the number of cores, never more); see
 * {@link #threads()}. The result does not depend on the number of threads.
 */
public final class Gemm {

    /** The system property that overrides the kernel choice. */
    public static final String PROPERTY = "tapegrad.gemm";

    private static final GemmKernel KERNEL = select(System.getProperty(PROPERTY));

    static {
        OjAlgoUtils.limitThreadsTo(1);
        System.getLogger("org.tapegrad").log(Level.INFO, "tapegrad GEMM kernel: " + KERNEL.name() + ", up to " + threads() + " thread(s)"
                + (KERNEL.name().equals("vector") ? "" : " (start the JVM with --add-modules jdk.incubator.vector for the Vector API kernel)"));
    }

    private Gemm() {
    }

    /** The kernel in use. */
    public static GemmKernel kernel() {
        return KERNEL;
    }

    /** The kernel of the given name, or throws naming the choices; {@code null} means the best available. */
    public static GemmKernel select(String name) {
        return select(name, threads());
    }

    /**
     * The kernel of the given name that splits large products over at most {@code threads} threads (capped by
     * {@value GemmThreads#PROPERTY} and the number of cores; {@code ojalgo} always uses one).
     */
    public static GemmKernel select(String name, int threads) {
        if (name == null || name.isBlank()) {
            GemmKernel vector = vectorKernelOrNull(threads);
            return vector != null ? vector : new JavaGemm(threads);
        }
        switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "java":
                return new JavaGemm(threads);
            case "ojalgo":
                return new OjAlgoGemm();
            case "vector":
                GemmKernel vector = vectorKernelOrNull(threads);
                if (vector == null) {
                    throw new IllegalStateException(PROPERTY + "=vector but the module jdk.incubator.vector is not available; start the JVM with --add-modules jdk.incubator.vector");
                }
                return vector;
            default:
                throw new IllegalArgumentException(PROPERTY + "=" + name + ": unknown GEMM kernel; expected vector, java or ojalgo");
        }
    }

    /** Whether the Vector API kernel can run in this JVM. */
    public static boolean vectorAvailable() {
        return vectorKernelOrNull(1) != null;
    }

    /**
     * The most threads a product is split over: the system property {@value GemmThreads#PROPERTY} (default: the
     * number of cores), capped at the number of cores. Only products of at least {@code 2^23} multiply-adds are split.
     */
    public static int threads() {
        return GemmThreads.THREADS;
    }

    private static GemmKernel vectorKernelOrNull(int threads) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return (GemmKernel) Class.forName("org.tapegrad.kernel.VectorGemm").getDeclaredConstructor(int.class).newInstance(threads);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /**
     * {@code C (+)= op(A)·op(B)} with shapes taken from the stores.
     *
     * @throws IllegalArgumentException naming all three shapes when they do not fit
     */
    public static void multiply(R064Store a, boolean transA, R064Store b, boolean transB, R064Store c, boolean accumulate) {
        int m = transA ? a.getColDim() : a.getRowDim();
        int k = transA ? a.getRowDim() : a.getColDim();
        int kb = transB ? b.getColDim() : b.getRowDim();
        int n = transB ? b.getRowDim() : b.getColDim();
        if (k != kb || c.getRowDim() != m || c.getColDim() != n) {
            throw new IllegalArgumentException("gemm: op(A) " + m + "×" + k + ", op(B) " + kb + "×" + n + ", C " + c.getRowDim() + "×" + c.getColDim() + ": shapes do not fit");
        }
        if (c.data == a.data || c.data == b.data) {
            throw new IllegalArgumentException("gemm: C must not share its array with A or B");
        }
        KERNEL.gemm(transA, transB, m, n, k, a.data, b.data, c.data, accumulate);
    }
}
