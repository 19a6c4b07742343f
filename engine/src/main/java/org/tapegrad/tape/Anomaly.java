package org.tapegrad.tape;

import org.ojalgo.matrix.store.PhysicalStore;
import org.tapegrad.op.Stores;

/**
 * Anomaly mode ({@link Tape#setAnomalyDetection(boolean)}): the checks for NaN and ±Inf after each forward and each
 * VJP, and the call site of the user's code that recorded the op, found by a stack walk (the reason the mode is off
 * by default).
 */
final class Anomaly {

    private Anomaly() {
    }

    /** Throws if the node's output holds NaN or ±Inf. */
    static void checkOutput(Node<?> node) {
        if (!allFinite(node.output.rawStore())) {
            throw new AnomalyException(node.op.name() + " produced a non-finite output " + node.output.shape() + " from inputs ("
                    + node.describeInputs() + "), recorded at " + node.site);
        }
    }

    /** Throws if the VJP of the node just run left NaN or ±Inf in an input's gradient. */
    static void checkGradients(Node<?> node, GradientPass pass) {
        for (Var in : node.inputs) {
            PhysicalStore<Double> g = in.requiresGrad() ? pass.storeOf(in) : null;
            if (g != null && !allFinite(g)) {
                throw new AnomalyException(node.op.name() + " backward produced a non-finite gradient for an input of ("
                        + node.describeInputs() + "), recorded at " + node.site);
            }
        }
    }

    private static boolean allFinite(PhysicalStore<Double> s) {
        return Stores.allFinite(s);
    }

    /** The first frame outside the engine: {@code Class.method(File.java:line)}. */
    static String callSite() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(f -> !isEngineFrame(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("<unknown>"));
    }

    /** Frames of the recording machinery and of ops (built-in or custom) are not the user's call site. */
    private static boolean isEngineFrame(Class<?> c) {
        Class<?> outer = c;
        while (outer.getEnclosingClass() != null) {
            outer = outer.getEnclosingClass();
        }
        String pkg = outer.getPackageName();
        return RECORDING_CLASSES.contains(outer) || pkg.equals("org.tapegrad.op") || pkg.equals("org.tapegrad.kernel")
                || org.tapegrad.op.Op.class.isAssignableFrom(c);
    }

    private static final java.util.Set<Class<?>> RECORDING_CLASSES = java.util.Set.of(Tape.class, Var.class, Node.class, Ops.class,
            Leaves.class, GradientPass.class, Anomaly.class);
}
