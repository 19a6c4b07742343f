package org.tapegrad.tape;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.PhysicalStore;
import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.kernel.PackedOperand;
import org.tapegrad.op.DType;
import org.tapegrad.op.Op;
import org.tapegrad.op.ShapeException;

/**
 * Records ops in execution order and replays them in reverse to compute gradients.
 *
 * <p>One training step: bring parameters on with {@link #param}, constants with {@link #constant}, compute a scalar
 * loss with {@link Var}'s fluent ops, {@link #backward(Var)}, let an optimizer read the parameters' gradients, then
 * {@link #reset()}: every buffer goes back to a pool keyed by shape, so the next step of the same shapes allocates no
 * arrays. Within a pass gradients accumulate ({@code +=}): a weight used at every time step receives the sum of all
 * its uses, which is backpropagation through time. {@link #gradients} replays without side effects and may run any
 * number of times on one recording.
 *
 * <p>A pass hands the gradient of an intermediate (a recorded op's output) back to the pool as soon as the VJP that
 * reads it — its producer's — has run, so a long unroll holds the gradients of a few steps at a time, not of all.
 * Leaves (parameters, {@link #variable variables}) keep theirs; an intermediate keeps its gradient only when
 * {@link Var#retainGrad()} asked for it before the pass (diagnostics such as gradient-flow curves do).
 *
 * <p>Right before that VJP reads an intermediate's complete gradient (the output's seed included), the tape's
 * activation kernel sets its tiny elements, {@code 0 < |g| <} {@link #TINY_GRADIENT_F64} = 2^−969 ≈ 2.0e−292 in
 * float64 and {@link #TINY_GRADIENT_F32} = 2^−102 ≈ 1.97e−31 in float32, to the zero of their sign;
 * {@link #setFlushTinyGradients(boolean) setFlushTinyGradients(false)} keeps every gradient as computed, with IEEE
 * gradual underflow. Why: on CPUs where subnormal arithmetic takes a microcode assist, a vector FMA over subnormals
 * costs some 40 times one over normal numbers, and backpropagation through time makes them: the gradient decays
 * geometrically going back in time and crosses the subnormal range for a few tens of steps before it reaches
 * exactly 0. C and C++ frameworks set the CPU's flush-to-zero and denormals-are-zero flags; Java cannot, so the tape
 * flushes explicitly. Why above {@code MIN_NORMAL}: a gradient that is normal but tiny still makes subnormals in the
 * VJP that reads it, in its products g·w and the partial sums of a matrix product over them. So each threshold is
 * {@code MIN_NORMAL · 2^p}, p the type's precision (53 and 24 bits), and a kept gradient times any factor of
 * magnitude ≥ 2^−p (≈ 1.1e−16 and 6.0e−8) is normal. Measured on an Intel Xeon (AVX-512), float32 LSTM with
 * B = 16, T = 400, I = 32, H = 64, one thread: 94 ms without the flush, 40.8 ms flushing below
 * {@code Float.MIN_NORMAL}, 30.0 ms below 2^−102; float64 takes 32.5 ms. What is dropped lies below 2^−102 in
 * float32 (the normal numbers among it are the 24 binades just above the subnormal range), in gradients on their
 * way to zero: added to a number of magnitude above {@code MIN_NORMAL · 2^(2p)} (2^−78 ≈ 3.3e−24 in float32,
 * 2^−916 ≈ 1.8e−276 in float64) it would leave that number unchanged, being less than half the spacing of the
 * numbers around it. The flush is a function of the bits alone, the same in every kernel, so results stay
 * bit-reproducible. Leaves' gradients, parameters' included, accumulate the VJPs' results as before (they are not
 * flushed themselves); an intermediate's retained gradient is seen as flushed. A loss so small that all its
 * gradients lie below the threshold gets zeros: turn the flush off for it.
 *
 * <p>A tape runs its ops on one {@link Kernels} value and in one element type ({@link DType}, float64 by default):
 * {@code new Tape(DType.F32)} records in float32, whose values take half the memory; its parameters must be float32
 * too ({@link Parameter#to}), while constants and inputs given as doubles are rounded to float when copied on. It is
 * not thread-safe; use one per thread.
 */
public final class Tape {

    /**
     * Float64 passes set an intermediate's gradient elements of smaller magnitude to zero (see the class comment):
     * {@code Double.MIN_NORMAL · 2^53} = 2^−969 ≈ 2.0e−292.
     */
    public static final double TINY_GRADIENT_F64 = 0x1p-969;
    /** The float32 form of {@link #TINY_GRADIENT_F64}: {@code Float.MIN_NORMAL · 2^24} = 2^−102 ≈ 1.97e−31. */
    public static final float TINY_GRADIENT_F32 = 0x1p-102f;

    private final Kernels kernels;
    private final DType dtype;
    private final BufferPool pool;
    private final PoolAccount account = new PoolAccount();
    private final PackedOperands packedOperands = new PackedOperands(account);
    private BufferPool otherPool;   // scratch of the other element type (double accumulators on a float tape), made on demand
    private final ArrayList<Node<?>> nodes = new ArrayList<>();
    private final Leaves leaves = new Leaves(this);
    private int generation;
    private int values;
    int noGradDepth;
    private boolean anomalyDetection;
    private boolean retainGradients;
    private boolean flushTinyGradients = true;
    private boolean overlapWeightGradients = true;
    private boolean balanceWeightGradients = true;
    private final DeferredShare deferredShare = new DeferredShare();
    private boolean packRepeatedOperands = true;
    private Gradients lastBackward;
    private RecordingListener listener;

    /** A float64 tape on {@link Kernels#defaults()}. */
    public Tape() {
        this(Kernels.defaults(), DType.F64);
    }

    /** A float64 tape on the given kernels. */
    public Tape(Kernels kernels) {
        this(kernels, DType.F64);
    }

    /** A tape of the given element type on {@link Kernels#defaults()}. */
    public Tape(DType dtype) {
        this(Kernels.defaults(), dtype);
    }

    /** A tape of the given element type on the given kernels. */
    public Tape(Kernels kernels, DType dtype) {
        this.kernels = Objects.requireNonNull(kernels, "kernels");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.pool = new BufferPool(dtype, account);
    }

    public Kernels kernels() {
        return kernels;
    }

    /** The element type of every value recorded on this tape. */
    public DType dtype() {
        return dtype;
    }

    /**
     * The leaf standing for {@code p} on this recording, over the parameter's own value (no copy); one per recording.
     *
     * @throws IllegalArgumentException if the parameter's element type is not the tape's
     */
    public Var param(Parameter p) {
        return leaves.param(p);
    }

    /** A constant leaf (no gradient) holding a copy of {@code value}. */
    public Var constant(MatrixStore<Double> value) {
        return leaves.copyOf(value, false);
    }

    /** A constant leaf holding a copy of a row-major array. */
    public Var constant(double[][] rowMajor) {
        return leaves.copyOf(rowMajor, false);
    }

    /** A constant {@code 1×n} row. */
    public Var row(double... values) {
        return constant(new double[][] {values});
    }

    /** A constant {@code rows×cols} filled with {@code c}. */
    public Var filled(int rows, int cols, double c) {
        return leaves.filled(rows, cols, c);
    }

    /** A leaf that is not a parameter but whose gradient is wanted (an input): holds a copy of {@code value}. */
    public Var variable(MatrixStore<Double> value) {
        return leaves.copyOf(value, true);
    }

    /** Row-major form of {@link #variable(MatrixStore)}. */
    public Var variable(double[][] rowMajor) {
        return leaves.copyOf(rowMajor, true);
    }

    /**
     * Records {@code op} applied to {@code inputs} and runs its forward computation. This is how custom ops are used.
     *
     * @throws ShapeException if the op rejects the input shapes or its output would not fit in one array
     * @throws AnomalyException in anomaly mode, if the output holds NaN or ±Inf
     */
    public <S> Var apply(Op<S> op, Var... inputs) {
        Node<S> node = Node.record(this, op, inputs, noGradDepth == 0, anomalyDetection);
        if (node.output.requiresGrad()) {
            nodes.add(node);
        }
        if (listener != null) {
            listener.recorded(op, node.inputs, node.output);
        }
        return node.output;
    }

    /**
     * The gradients of {@code output} contracted with {@code seed} (its shape; null means 1 for a {@code 1×1} output)
     * with respect to every value and parameter of this recording. Changes nothing: no parameter's gradient, no
     * other pass's result.
     */
    public Gradients gradients(Var output, MatrixStore<Double> seed) {
        return new Gradients(this, GradientPass.run(this, nodes, output, seed, anomalyDetection, false));
    }

    /** {@link #backward(Var, MatrixStore) backward(loss, null)} of a {@code 1×1} loss. */
    public Gradients backward(Var loss) {
        return backward(loss, null);
    }

    /**
     * {@link #gradients(Var, MatrixStore)} with one explicit side effect: each reached parameter's gradient is added
     * into its {@link Parameter#grad()} (accumulated in place during the replay, no second pass). The returned value
     * gives the parameters' accumulated gradients and this pass's gradients of every other value.
     */
    public Gradients backward(Var output, MatrixStore<Double> seed) {
        Gradients g = new Gradients(this, GradientPass.run(this, nodes, output, seed, anomalyDetection, true));
        lastBackward = g;
        return g;
    }

    /** Suspends recording until the returned scope is closed (try-with-resources): ops compute, record nothing. */
    public NoGrad noGrad() {
        return new NoGrad(this);
    }

    /**
     * Installs {@code l} (null: none) to be told of every op applied from now on, recorded for backward or not;
     * returns the listener it replaces. This is how {@code org.tapegrad.fuse} traces one step of a cell.
     */
    public RecordingListener listen(RecordingListener l) {
        RecordingListener previous = listener;
        listener = l;
        return previous;
    }

    /** Whether ops are currently recorded for backward. */
    public boolean isRecording() {
        return noGradDepth == 0;
    }

    /**
     * In anomaly mode (off by default: it costs a stack walk per op) the first op whose output or VJP holds NaN or
     * ±Inf throws an {@link AnomalyException} naming the op, the shapes and the call site that recorded it.
     */
    public void setAnomalyDetection(boolean on) {
        this.anomalyDetection = on;
    }

    /**
     * With {@code true}, every gradient pass keeps the gradient of every value, as if each had
     * {@link Var#retainGrad()} (off by default: a debugging aid that costs as much memory as the values themselves).
     */
    public void setRetainGradients(boolean on) {
        this.retainGradients = on;
    }

    /** Whether passes keep every value's gradient ({@link #setRetainGradients}). */
    public boolean retainsGradients() {
        return retainGradients;
    }

    /**
     * With {@code true} (the default), a gradient pass sets each intermediate's gradient elements of magnitude below
     * {@link #TINY_GRADIENT_F64} (float64) or {@link #TINY_GRADIENT_F32} (float32) to zero before the VJP that reads
     * them (see the class comment: it keeps subnormal arithmetic, which takes a microcode assist on many CPUs, out of
     * backpropagation through time); {@code false} keeps every gradient as computed, with IEEE gradual underflow.
     */
    public void setFlushTinyGradients(boolean on) {
        this.flushTinyGradients = on;
    }

    /**
     * With {@code true} (the default), a pass on a tape whose kernels have 2 or more threads runs the products and
     * sums that add into weights' and biases' gradients ({@code x_kᵀ·ȳ} and {@code Σ_rows ȳ} of every {@code affine}
     * and fused step, {@link org.tapegrad.op.Op#defersGradient}) on a pool worker while this thread goes on
     * down the chain of steps, instead of splitting each product by columns: the weight gradients are off the critical
     * path of backpropagation through time. The results are the bits of one thread (each weight's gradient receives
     * its additions in the same order); the output gradients those products read are held until the pass ends, so the
     * pass's peak memory grows by up to one such gradient per step. {@code false}, or one thread, keeps every VJP in
     * order on this thread. Where the worker would have more to do than this thread, this thread keeps a share of
     * each such product's columns ({@link #setBalanceWeightGradients}).
     */
    public void setOverlapWeightGradients(boolean on) {
        this.overlapWeightGradients = on;
    }

    /**
     * With {@code true} (the default), a value that ops use again and again as the right operand of their products —
     * a weight at every step, {@code W} forward and {@code Wᵀ} backward — is laid out once for the GEMM kernel on its
     * second such use ({@link org.tapegrad.op.OpContext#packedInput}) and read from those panels until
     * {@link #reset()}: the same bits, faster products, and up to twice the weights' size in held memory.
     * {@code false} reads every operand where it lies; the memory already held is given back at the reset.
     */
    public void setPackRepeatedOperands(boolean on) {
        this.packRepeatedOperands = on;
    }

    /** Whether repeated right operands are packed ({@link #setPackRepeatedOperands}). */
    public boolean packsRepeatedOperands() {
        return packRepeatedOperands;
    }

    /**
     * With {@code true} (the default), an overlapped pass ({@link #setOverlapWeightGradients}) computes the first
     * share of the columns of each weight-gradient product itself and queues only the rest, the share adjusted after
     * every pass: one step (1/32 of the columns) more when this thread waited for the worker at the end of the pass
     * longer than the worker waited for tasks during it, one step less in the opposite case (each by more than 1 % of
     * the pass; else it holds), between none and half. Weight gradients whose products
     * have the batch as their inner dimension can give the worker more to do than this thread's whole chain of steps
     * (float32 LSTM B=32, H=128: the worker was still busy when the chain ended). The bits do not depend on the share
     * (a column is the same sum on either thread, and within a pass each column stays on one thread); only the time
     * does, and it varies from pass to pass as the share moves. {@code false} queues all of every such product.
     */
    public void setBalanceWeightGradients(boolean on) {
        this.balanceWeightGradients = on;
    }

    /** Whether overlapped passes keep a share of the weight-gradient products ({@link #setBalanceWeightGradients}). */
    public boolean balancesWeightGradients() {
        return balanceWeightGradients;
    }

    /** How this tape's passes divide the deferred weight-gradient products between their thread and the worker. */
    DeferredShare deferredShare() {
        return deferredShare;
    }

    /** Whether passes overlap weight gradients with the rest of backward ({@link #setOverlapWeightGradients}). */
    public boolean overlapsWeightGradients() {
        return overlapWeightGradients;
    }

    /** Whether passes flush tiny values out of intermediates' gradients ({@link #setFlushTinyGradients}). */
    public boolean flushesTinyGradients() {
        return flushTinyGradients;
    }

    /** Forgets the recording; every buffer goes back to the pool and every var of it becomes invalid. */
    public void reset() {
        packedOperands.clear();
        pool.releaseAll();
        if (otherPool != null) {
            otherPool.releaseAll();
        }
        account.restartPeak();
        nodes.clear();
        leaves.clear();
        generation++;
        values = 0;
        lastBackward = null;
    }

    /** Number of ops recorded for backward since the last reset. */
    public int size() {
        return nodes.size();
    }

    /** Total number of elements this tape's pool has ever allocated; flat across steady-state steps. */
    public long pooledElementsAllocated() {
        return pool.allocatedElements() + (otherPool == null ? 0 : otherPool.allocatedElements());
    }

    /** Total bytes this tape's pool has ever allocated (elements times 8 or 4): what a float32 tape halves. */
    public long pooledBytesAllocated() {
        return pool.allocatedElements() * dtype.bytes()
                + (otherPool == null ? 0 : otherPool.allocatedElements() * (dtype == DType.F32 ? DType.F64 : DType.F32).bytes());
    }

    /**
     * Bytes of pooled buffers (values, saved state, gradients of intermediates) this recording holds now. Parameters'
     * own values and gradients, and the small per-op bookkeeping objects, are not counted.
     */
    public long bytesHeld() {
        return account.held();
    }

    /**
     * The most bytes of pooled buffers this recording has held at once since the last {@link #reset()}: read after
     * backward, the memory one forward + backward of this recording needed. Deterministic (an account of the
     * buffers, not a heap measurement), so tests can assert it and checkpointing can plan with it.
     */
    public long peakBytesHeld() {
        return account.peak();
    }

    int generation() {
        return generation;
    }

    /** The parameters recorded since the last reset, in the order of first use. */
    List<Parameter> recordedParameters() {
        List<Parameter> out = new java.util.ArrayList<>();
        for (Var leaf : leaves.parameterLeaves()) {
            out.add(leaf.parameter());
        }
        return out;
    }

    int nextValueIndex() {
        return values++;
    }

    int valueCount() {
        return values;
    }

    Gradients lastBackward() {
        return lastBackward;
    }

    /** The ops recorded for backward, in recording order (live: forward mode reads it, appending its own). */
    java.util.List<Node<?>> recordedNodes() {
        return nodes;
    }

    Leaves leaves() {
        return leaves;
    }

    /**
     * {@code v} (or {@code vᵀ}) as the right operand of a product with {@code rows} rows, packed for this tape's GEMM
     * kernel from its second such use in this recording on; null before that or when the kernel reads no panels.
     */
    PackedOperand packedOperand(Var v, boolean transposed, int rows) {
        return packRepeatedOperands ? packedOperands.get(v, transposed, rows, kernels.gemm()) : null;
    }

    /** A pooled store of the tape's element type. */
    PhysicalStore<Double> take(int rows, int cols) {
        return pool.take(rows, cols);
    }

    /** Where the last {@link #take} recorded its loan, for {@link #giveBack}. */
    int lastLoan() {
        return pool.lastLoan();
    }

    /** Hands a buffer of the tape's element type back to the pool before reset (a released gradient). */
    void giveBack(PhysicalStore<Double> s, int loan) {
        pool.giveBack(s, loan);
    }

    R064Store take64(int rows, int cols) {
        return (R064Store) (dtype == DType.F64 ? pool : other()).take(rows, cols);
    }

    R032Store take32(int rows, int cols) {
        return (R032Store) (dtype == DType.F32 ? pool : other()).take(rows, cols);
    }

    private BufferPool other() {
        if (otherPool == null) {
            otherPool = new BufferPool(dtype == DType.F32 ? DType.F64 : DType.F32, account);
        }
        return otherPool;
    }
}
