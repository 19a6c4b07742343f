package org.tapegrad.kernel;

import java.util.Locale;
import java.util.Objects;

/**
 * The compute kernels a tape runs its ops on: one {@link GemmKernel} for every matrix product and one
 * {@link ActivationKernel} for exp, tanh and sigmoid. A value: chosen once, held by the tape
 * ({@code new Tape(kernels)}), so two tapes in one JVM may use different kernels and a user may plug in their own.
 *
 * <p>{@link #defaults()} reads the system properties {@value #GEMM_PROPERTY} ({@code vector|java|ojalgo}),
 * {@value #ACTIVATIONS_PROPERTY} ({@code vector|java}) and {@code tapegrad.threads} the first time it is called;
 * without them it takes the Vector API kernels when the JVM runs with {@code --add-modules jdk.incubator.vector}
 * and the plain-Java ones otherwise. Every built-in kernel gives the same bits on every call, whatever the JIT tier
 * and the thread count, so a seeded run is reproducible.
 *
 * @param gemm the matrix product
 * @param activations exp, tanh and sigmoid
 */
public record Kernels(GemmKernel gemm, ActivationKernel activations) {

    /** The system property that chooses the GEMM kernel of {@link #defaults()}. */
    public static final String GEMM_PROPERTY = "tapegrad.gemm";

    /** The system property that chooses the activation kernel of {@link #defaults()}. */
    public static final String ACTIVATIONS_PROPERTY = "tapegrad.activations";

    public Kernels {
        Objects.requireNonNull(gemm, "gemm kernel");
        Objects.requireNonNull(activations, "activation kernel");
    }

    private static volatile Kernels defaults;

    /**
     * The kernels chosen by the system properties (or the best available), read on the first call; the same value on
     * every call after it.
     *
     * @throws IllegalArgumentException naming the property, for a value that names no kernel (and on every call
     *         until it is fixed: nothing is cached then)
     */
    public static Kernels defaults() {
        Kernels k = defaults;
        if (k == null) {
            synchronized (Kernels.class) {
                if (defaults == null) {
                    defaults = new Kernels(gemm(System.getProperty(GEMM_PROPERTY), GemmThreads.configured()),
                            activations(System.getProperty(ACTIVATIONS_PROPERTY)));
                }
                k = defaults;
            }
        }
        return k;
    }

    /** These kernels with another GEMM. */
    public Kernels withGemm(GemmKernel other) {
        return new Kernels(other, activations);
    }

    /** These kernels with other activations. */
    public Kernels withActivations(ActivationKernel other) {
        return new Kernels(gemm, other);
    }

    /**
     * The GEMM kernel of the given name ({@code null} or blank: the best available) splitting large products over
     * at most {@code threads} threads (capped by {@code tapegrad.threads} and the number of cores; {@code ojalgo}
     * always uses one).
     *
     * @throws IllegalArgumentException naming the choices for an unknown name
     * @throws IllegalStateException for {@code vector} when the Vector API module is absent
     */
    public static GemmKernel gemm(String name, int threads) {
        String choice = name == null || name.isBlank() ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (choice) {
            case "":
                return vectorAvailable() ? vectorGemm(threads) : new JavaGemm(threads);
            case "java":
                return new JavaGemm(threads);
            case "ojalgo":
                return new OjAlgoGemm();
            case "vector":
                requireVector(GEMM_PROPERTY);
                return vectorGemm(threads);
            default:
                throw new IllegalArgumentException(GEMM_PROPERTY + "=" + name + ": unknown GEMM kernel; expected vector, java or ojalgo");
        }
    }

    /** The activation kernel of the given name ({@code null} or blank: the best available). */
    public static ActivationKernel activations(String name) {
        String choice = name == null || name.isBlank() ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (choice) {
            case "":
                return vectorAvailable() ? vectorActivations() : new ScalarActivations();
            case "java":
                return new ScalarActivations();
            case "vector":
                requireVector(ACTIVATIONS_PROPERTY);
                return vectorActivations();
            default:
                throw new IllegalArgumentException(ACTIVATIONS_PROPERTY + "=" + name + ": unknown activation kernel; expected vector or java");
        }
    }

    /** Whether the Vector API kernels can run in this JVM ({@code --add-modules jdk.incubator.vector}). */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * The most threads a product is split over: the system property {@code tapegrad.threads} (default: the number
     * of cores), capped at the number of cores.
     */
    public static int maxThreads() {
        return GemmThreads.configured();
    }

    @Override
    public String toString() {
        return "gemm " + gemm.name() + ", activations " + activations.name();
    }

    private static void requireVector(String property) {
        if (!vectorAvailable()) {
            throw new IllegalStateException(property + "=vector but the module jdk.incubator.vector is not available; start the JVM with --add-modules jdk.incubator.vector");
        }
    }

    // The Vector API classes are loaded reflectively, after the module check: without the module they cannot link.
    private static GemmKernel vectorGemm(int threads) {
        return (GemmKernel) instantiate("org.tapegrad.kernel.VectorGemm", threads);
    }

    private static ActivationKernel vectorActivations() {
        return (ActivationKernel) instantiate("org.tapegrad.kernel.VectorActivations", null);
    }

    private static Object instantiate(String className, Integer threads) {
        try {
            Class<?> c = Class.forName(className);
            return threads == null ? c.getDeclaredConstructor().newInstance() : c.getDeclaredConstructor(int.class).newInstance(threads);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException(className + " cannot run in this JVM: " + e, e);
        }
    }
}
