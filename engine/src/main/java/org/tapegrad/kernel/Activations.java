package org.tapegrad.kernel;

/**
 * The element-wise activation kernel every exp, tanh and sigmoid op goes through, chosen once like {@link Gemm}'s:
 * {@code vector} when the JVM runs with {@code --add-modules jdk.incubator.vector}, else {@code java}; the system
 * property {@code tapegrad.activations=vector|java} overrides it.
 */
public final class Activations {

    /** The system property that overrides the choice. */
    public static final String PROPERTY = "tapegrad.activations";

    private static final ActivationKernel KERNEL = select(System.getProperty(PROPERTY));

    private Activations() {
    }

    /** The kernel in use. */
    public static ActivationKernel kernel() {
        return KERNEL;
    }

    /** The kernel of the given name ({@code null}: the best available), or throws naming the choices. */
    public static ActivationKernel select(String name) {
        if (name == null || name.isBlank()) {
            ActivationKernel vector = vectorOrNull();
            return vector != null ? vector : new ScalarActivations();
        }
        switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "java":
                return new ScalarActivations();
            case "vector":
                ActivationKernel vector = vectorOrNull();
                if (vector == null) {
                    throw new IllegalStateException(PROPERTY + "=vector but the module jdk.incubator.vector is not available; start the JVM with --add-modules jdk.incubator.vector");
                }
                return vector;
            default:
                throw new IllegalArgumentException(PROPERTY + "=" + name + ": unknown activation kernel; expected vector or java");
        }
    }

    private static ActivationKernel vectorOrNull() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return (ActivationKernel) Class.forName("org.tapegrad.kernel.VectorActivations").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
