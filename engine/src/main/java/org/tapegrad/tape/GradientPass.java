package org.tapegrad.tape;

import java.util.ArrayList;
import java.util.List;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.PhysicalStore;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.ActivationKernel;
import org.tapegrad.kernel.GemmThreads;
import org.tapegrad.op.Stores;

/**
 * One reverse replay of a recording: the gradient of one output with respect to every value recorded before it,
 * in pooled buffers indexed by the values' positions on the tape. Nothing outside the pass is written — unless it
 * runs {@code intoParameters} (for {@link Tape#backward}): then a parameter's leaf accumulates straight into
 * {@link Parameter#grad()}, which is backward's one explicit side effect, done without a second buffer and a second
 * pass over every weight.
 *
 * <p>The gradient of an intermediate is complete once every consumer's VJP has added into it, and it is read only
 * by the VJP of the op that produced it, which runs after all of them (the replay is in reverse recording order).
 * So right after that VJP the buffer goes back to the pool, and the next op's gradients reuse it: at any moment the
 * pass holds the gradients of the few values between the replay's position and their producers, not of the whole
 * recording. A released slot is marked, so asking for it later says what happened instead of reading a reused
 * buffer; {@link Var#retainGrad()} opts a value out.
 *
 * <p>Right before that VJP, too, its complete input is flushed of tiny values when the tape says so
 * ({@link Tape#setFlushTinyGradients}): the one moment every element of the gradient is final, and the one reader
 * has not read it yet.
 *
 * <p>With a second thread ({@link Tape#setOverlapWeightGradients}), the products that add into the gradients of
 * weights and biases ({@link org.tapegrad.op.Op#defersGradient}) run on a pool worker, in the pass's order, while
 * this thread goes on down the chain of steps: only a leaf whose every use is such a slot is handed over, so each
 * buffer still receives its additions in the order of one thread and the bits do not depend on the thread count. The
 * output gradients those products read are kept until they have run. Such a value may also be produced by an op
 * (the weights of a fused step put side by side): its producer's VJP, which reads that gradient, first waits until
 * the queue is done, and nothing is queued after it.
 */
final class GradientPass {

    /** Marks the slot of a gradient handed back to the pool: reached, complete, and no longer readable. */
    private static final PhysicalStore<Double> RELEASED = R064Store.FACTORY.make(1, 1);

    private final Tape tape;
    private final PhysicalStore<Double>[] grads;
    private final int[] loans;   // the pool's loan of each pooled gradient, to hand it back in O(1)
    private final boolean intoParameters;
    private boolean[] deferrable;   // by value index: values whose accumulation may be queued; null: nothing queued
    private GemmThreads.OrderedTasks queue;
    private long queueStart;   // System.nanoTime() when the queue was taken
    private int keptSteps;     // the share of deferred products' columns this thread keeps, fixed for the pass
    private final List<Var> kept = new ArrayList<>();   // output gradients read by queued tasks, released at the end

    private GradientPass(Tape tape, int values, boolean intoParameters) {
        this.tape = tape;
        @SuppressWarnings("unchecked")
        PhysicalStore<Double>[] g = new PhysicalStore[values];
        this.grads = g;
        this.loans = new int[values];
        this.intoParameters = intoParameters;
    }

    /**
     * Seeds {@code ∂/∂output} with {@code seed} (ones for a null seed of a 1×1 output) and runs every recorded VJP
     * whose output the pass has reached, newest first.
     */
    static GradientPass run(Tape tape, List<Node<?>> nodes, Var output, MatrixStore<Double> seed, boolean anomalyDetection,
            boolean intoParameters) {
        output.checkValid("gradients");
        if (output.tape() != tape) {
            throw new IllegalArgumentException("gradients: the output belongs to another tape");
        }
        if (seed == null ? !output.shape().isScalar() : seed.countRows() != output.rows() || seed.countColumns() != output.cols()) {
            throw new IllegalArgumentException("gradients: the output is " + output.shape() + (seed == null
                    ? ", not a 1×1 scalar; reduce it (sum(), mean()) or pass a seed gradient of the same shape"
                    : " but the seed is [" + seed.countRows() + "×" + seed.countColumns() + "]"));
        }
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException("gradients: the output " + output.shape() + " does not depend on anything that needs a gradient (only constants, detached values or noGrad results)");
        }
        GradientPass pass = new GradientPass(tape, tape.valueCount(), intoParameters);
        PhysicalStore<Double> g = pass.accumulatorOf(output);
        // Added, not set: when the output is itself a parameter's leaf, its buffer may already hold a gradient.
        // One path for both element types: a store's add(i, j, x) is data[k] += x on a float64 store and
        // data[k] += (float) x on a float32 one. Once per pass, so the per-element call costs nothing that matters.
        if (seed == null) {
            g.add(0, 0, 1.0);
        } else {
            for (int j = 0; j < output.cols(); j++) {
                for (int i = 0; i < output.rows(); i++) {
                    g.add(i, j, seed.doubleValue(i, j));
                }
            }
        }
        if (tape.overlapsWeightGradients() && !anomalyDetection && tape.kernels().gemm().threads() > 1) {
            pass.startQueue(nodes);
        }
        boolean completed = false;
        try {
            for (int k = nodes.size() - 1; k >= 0; k--) {
                Node<?> node = nodes.get(k);
                PhysicalStore<Double> outputGrad = pass.grads[node.output.index()];
                if (outputGrad == null) {
                    continue;
                }
                if (pass.deferrable(node.output)) {
                    pass.finishQueue(true);   // this VJP reads a gradient the queue adds into: all of it first
                }
                if (tape.flushesTinyGradients()) {
                    flushTiny(tape.kernels().activations(), outputGrad);
                }
                node.backward(pass);
                if (anomalyDetection) {
                    Anomaly.checkGradients(node, pass);
                }
                pass.releaseIfUnwanted(node.output);
            }
            completed = true;
        } finally {
            pass.finishQueue(completed);
        }
        return pass;
    }

    /** Finds the values used only in deferring slots and, if there are any, takes a pool worker for their products. */
    private void startQueue(List<Node<?>> nodes) {
        int values = grads.length;
        boolean[] deferredUse = new boolean[values];
        boolean[] otherUse = new boolean[values];
        for (Node<?> node : nodes) {
            for (int i = 0; i < node.inputs.length; i++) {
                int v = node.inputs[i].index();
                if (node.op.defersGradient(i)) {
                    deferredUse[v] = true;
                } else {
                    otherUse[v] = true;
                }
            }
        }
        boolean any = false;
        for (int v = 0; v < values; v++) {
            deferredUse[v] &= !otherUse[v];   // a produced one (weights put side by side) waits for the queue: see run
            any |= deferredUse[v];
        }
        if (!any) {
            return;
        }
        queue = GemmThreads.OrderedTasks.start(tape.kernels().gemm().threads());
        if (queue != null) {
            deferrable = deferredUse;
            keptSteps = tape.balancesWeightGradients() ? tape.deferredShare().steps() : 0;
            queueStart = System.nanoTime();
        }
    }

    /**
     * Waits for the queued products, then hands back the output gradients they read; {@code measured}: the wait tells
     * the balance (not when the pass ends by a failure).
     */
    private void finishQueue(boolean measured) {
        if (queue == null) {
            return;
        }
        GemmThreads.OrderedTasks q = queue;
        queue = null;
        deferrable = null;
        try {
            long waited = q.finish();
            // Midway too (a produced deferrable value, such as a fused step's weights side by side, whose VJP follows
            // every step's): who waited for whom up to there is the balance of the queued work.
            if (measured && tape.balancesWeightGradients()) {
                tape.deferredShare().update(waited, q.idleNanos(), System.nanoTime() - queueStart);
            }
        } finally {
            for (Var v : kept) {
                releaseIfUnwanted(v);
            }
            kept.clear();
        }
    }

    /**
     * The leading columns of an {@code n}-column deferred product this thread computes now: the tape's share while
     * the queue is open ({@link DeferredShare}), else 0.
     */
    int keptColumns(int n) {
        if (queue == null) {
            return 0;
        }
        return DeferredShare.keptColumns(n, keptSteps);
    }

    /** Whether the pass queues the accumulation into {@code v}'s gradient. */
    boolean deferrable(Var v) {
        return deferrable != null && deferrable[v.index()];
    }

    /** Queues {@code task}, which reads the gradient of {@code output}: kept until the queue is done. */
    void defer(Var output, Runnable task) {
        if (queue == null) {
            task.run();
            return;
        }
        if (kept.isEmpty() || kept.get(kept.size() - 1) != output) {
            kept.add(output);
        }
        queue.submit(task);
    }

    /**
     * Sets every element of a gradient buffer below its element type's threshold ({@link Tape#TINY_GRADIENT_F32},
     * {@link Tape#TINY_GRADIENT_F64}) in magnitude to the zero of its sign. A gradient buffer holds the tape's
     * element type, so its array's type picks the threshold.
     */
    private static void flushTiny(ActivationKernel kernel, PhysicalStore<Double> g) {
        Object data = Stores.data(g);
        if (data instanceof float[] f) {
            kernel.flushTiny(f, 0, f.length, Tape.TINY_GRADIENT_F32);
        } else {
            double[] d = (double[]) data;
            kernel.flushTiny(d, 0, d.length, Tape.TINY_GRADIENT_F64);
        }
    }

    /** The gradient of {@code v}, or null when the pass did not reach it or has released it ({@link #released}). */
    PhysicalStore<Double> storeOf(Var v) {
        PhysicalStore<Double> g = grads[v.index()];
        return g == RELEASED ? null : g;
    }

    /** Whether the pass reached {@code v} and handed its gradient back to the pool after use. */
    boolean released(Var v) {
        return grads[v.index()] == RELEASED;
    }

    /** Hands the finished gradient of a recorded op's output back to the pool, unless the value retains it. */
    private void releaseIfUnwanted(Var output) {
        if (queue != null && !kept.isEmpty() && kept.get(kept.size() - 1) == output) {
            return;   // a queued product reads it: released by finishQueue
        }
        int i = output.index();
        PhysicalStore<Double> g = grads[i];
        if (g != null && g != RELEASED && !output.retainsGrad() && !tape.retainsGradients()) {
            grads[i] = RELEASED;
            tape.giveBack(g, loans[i]);
        }
    }

    /** The gradient buffer of {@code v}: zero-filled the first time it is asked for, or its parameter's gradient. */
    PhysicalStore<Double> accumulatorOf(Var v) {
        PhysicalStore<Double> g = grads[v.index()];
        if (g == RELEASED) {
            // Unreachable for a recording made through Tape: a value is consumed only by ops recorded after it.
            throw new IllegalStateException("gradient pass: the gradient of a " + v.shape() + " value was asked for after its producer's VJP");
        }
        if (g == null) {
            if (intoParameters && v.parameter() != null) {
                g = v.parameter().gradStore();
            } else {
                g = tape.take(v.rows(), v.cols());
                loans[v.index()] = tape.lastLoan();
                Stores.fill(g, 0.0);
            }
            grads[v.index()] = g;
        }
        return g;
    }
}
