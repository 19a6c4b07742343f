package org.tapegrad.tape;

import java.util.List;
import java.util.Objects;

import org.tapegrad.kernel.GemmThreads;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.op.DType;

/**
 * Data parallelism over the rows of a batch: the batch is cut into a fixed number of shards, each shard's forward and
 * backward is recorded and replayed on a tape of its own, the shards run on up to {@code threads} threads at once,
 * and their parameter gradients are added into {@link Parameter#grad()} on the calling thread in shard order.
 *
 * <p>Why: a recurrent network's rows are independent through all its steps (only the weights are shared), so two
 * shards of a batch run a whole sequence, forward and backward, with one hand-off between threads instead of one per
 * op. Splitting every op instead (what a tape with a multi-threaded kernel does) pays a hand-off per product and per
 * loop and moves each step's values between the cores' caches; at {@code B = 32, H = 128} that caps the 2-thread
 * speed-up near 1.3×.
 *
 * <p>Results depend on the number of shards, never on the number of threads: each shard is computed with one-thread
 * arithmetic whichever thread runs it, and its gradients are added in shard order. One shard gives the bits of
 * {@link Tape#backward} on one tape (when the parameters' gradients start at zero); {@code s} shards give the same
 * gradients up to rounding, as micro-batches do: a weight gradient is summed over each shard's rows, then over the
 * shards. A shard's products run on its own thread (the shared pool is taken by the shards).
 *
 * <p>The body that records a shard must touch nothing shared but the parameters' values (read only): its inputs are
 * the shard's rows ({@link Shard#rowsOf}), its random numbers (dropout masks) come from a generator of its own,
 * seeded from the shard's index, and anything it keeps for later goes into a slot of its own. The tapes are kept
 * between calls, so their buffer pools stay warm.
 *
 * <pre>{@code
 * BatchShards shards = new BatchShards(32, 2, DType.F64);
 * double loss = shards.backward((shard, tape) -> {
 *     List<Var> xs = shard.rowsOfSteps(batchSteps).stream().map(tape::constant).toList();
 *     return Unroll.run(cell, tape, xs, cell.initialState(tape, shard.rows())).finalState().output().sum();
 * });
 * optimizer.step();
 * }</pre>
 */
public final class BatchShards {

    /** Records one shard's loss on its tape (the tape is empty when called; its loss must be {@code 1×1}). */
    @FunctionalInterface
    public interface ShardLoss {
        Var record(Shard shard, Tape tape);
    }

    private final Shard[] shards;
    private final Tape[] tapes;
    private final int threads;

    /**
     * {@code shards} shards of a batch of {@code batch} rows on {@link Kernels#defaults()}, run on as many threads as
     * {@code tapegrad.threads} allows (at most one per shard).
     */
    public BatchShards(int batch, int shards, DType dtype) {
        this(batch, shards, Kernels.defaults(), dtype, Kernels.maxThreads());
    }

    /**
     * @param batch the rows of every batch this object is used for
     * @param shards how many parts the batch is cut into (rows as even as possible, in order)
     * @param kernels the kernels of every shard's tape
     * @param dtype the element type of every shard's tape
     * @param threads how many shards run at once (capped by {@code tapegrad.threads} and the cores); 1 runs them one
     *        after another on the caller, with the same results
     * @throws IllegalArgumentException if {@code shards} is not between 1 and {@code batch}, or {@code threads < 1}
     */
    public BatchShards(int batch, int shards, Kernels kernels, DType dtype, int threads) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch shards: the batch must have at least one row, got " + batch);
        }
        if (shards < 1 || shards > batch) {
            throw new IllegalArgumentException("batch shards: " + shards + " shards of a batch of " + batch + " rows; expected 1 to " + batch);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("batch shards: threads must be at least 1, got " + threads);
        }
        Objects.requireNonNull(kernels, "kernels");
        Objects.requireNonNull(dtype, "dtype");
        this.shards = new Shard[shards];
        this.tapes = new Tape[shards];
        for (int i = 0; i < shards; i++) {
            this.shards[i] = new Shard(i, (int) ((long) batch * i / shards), (int) ((long) batch * (i + 1) / shards), batch);
            this.tapes[i] = new Tape(kernels, dtype);
        }
        this.threads = GemmThreads.cap(Math.min(threads, shards));
    }

    /** How many shards the batch is cut into. */
    public int count() {
        return shards.length;
    }

    /** Shard {@code i}. */
    public Shard shard(int i) {
        return shards[i];
    }

    /** The rows of the whole batch. */
    public int batch() {
        return shards[0].batch();
    }

    /** How many shards run at once. */
    public int threads() {
        return threads;
    }

    /**
     * The tape shard {@code i} records on, for its settings ({@link Tape#setFlushTinyGradients},
     * {@link Tape#setAnomalyDetection}) and its memory account; valid between calls.
     */
    public Tape tape(int i) {
        return tapes[i];
    }

    /**
     * Records every shard's loss with {@code body}, computes its gradients on its tape, adds each shard's parameter
     * gradients into {@link Parameter#grad()} in shard order, resets the tapes and returns the sum of the shards'
     * losses (in shard order).
     *
     * @throws IllegalArgumentException if a shard's loss is not {@code 1×1} or not on the shard's tape (nothing is
     *         added then); a shard body's failure is rethrown as it was (the lowest-numbered shard's when several
     *         fail, whatever ran first), and no gradient is added then
     */
    public double backward(ShardLoss body) {
        Objects.requireNonNull(body, "shard loss");
        Gradients[] gradients = new Gradients[shards.length];
        double[] losses = new double[shards.length];
        RuntimeException[] failures = new RuntimeException[shards.length];
        try {
            GemmThreads.forBlocks(shards.length, threads, i -> {
                try {
                    record(i, body, gradients, losses);
                } catch (RuntimeException e) {
                    failures[i] = e;
                }
            });
            for (RuntimeException e : failures) {
                if (e != null) {
                    throw e;
                }
            }
            double total = 0;
            for (int i = 0; i < shards.length; i++) {
                for (Parameter p : tapes[i].recordedParameters()) {
                    org.ojalgo.matrix.store.PhysicalStore<Double> g = gradients[i].storeOf(p);
                    if (g != null) {
                        p.accumulateGrad(g);   // a pooled store of the parameter's shape and type: the array-to-array path
                    }
                }
                total += losses[i];
            }
            return total;
        } finally {
            for (Tape tape : tapes) {
                tape.reset();
            }
        }
    }

    /** Records shard {@code i} on its tape and computes its gradients there (on whichever thread claimed it). */
    private void record(int i, ShardLoss body, Gradients[] gradients, double[] losses) {
        Tape tape = tapes[i];
        tape.reset();
        Var loss = body.record(shards[i], tape);
        if (loss == null || loss.tape() != tape) {
            throw new IllegalArgumentException("batch shards: the loss of shard " + i + " must be recorded on the tape the shard was given");
        }
        if (loss.rows() != 1 || loss.cols() != 1) {
            throw new IllegalArgumentException("batch shards: the loss of shard " + i + " is " + loss.rows() + "×" + loss.cols() + ", expected 1×1");
        }
        gradients[i] = tape.gradients(loss, null);
        losses[i] = loss.item();
    }

    /** The shards, in order. */
    public List<Shard> shards() {
        return List.of(shards);
    }
}
