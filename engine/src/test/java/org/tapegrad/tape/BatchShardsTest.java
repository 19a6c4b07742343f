package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;
import org.quicktheories.core.Gen;
import org.tapegrad.check.property.Theories;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.op.DType;

/**
 * {@link BatchShards}: one shard is {@link Tape#backward} bit for bit; several shards give the whole batch's
 * gradients up to rounding, with the same bits on one thread and on two; bad use is a one-line error.
 */
class BatchShardsTest {

    private static final int INPUT = 5;
    private static final int HIDDEN = 7;
    private static final int STEPS = 6;

    /** A tanh RNN's weights, parameters of {@code dtype}. */
    private record Model(Parameter w, Parameter u, Parameter b, Parameter v) {
        static Model of(long seed, DType dtype) {
            Random r = new Random(seed);
            return new Model(random("w", INPUT, HIDDEN, r, dtype), random("u", HIDDEN, HIDDEN, r, dtype),
                    random("b", 1, HIDDEN, r, dtype), random("v", HIDDEN, 1, r, dtype));
        }

        List<Parameter> all() {
            return List.of(w, u, b, v);
        }

        /** {@code L = Σ_t Σ_rows (h_t·v)² / batch}, h from zero through {@code h' = tanh(x·W + h·U + b)}. */
        Var loss(Tape tape, List<R064Store> xs, int batch) {
            Var h = tape.filled(xs.get(0).getRowDim(), HIDDEN, 0.0);
            Var loss = null;
            for (R064Store x : xs) {
                h = Ops.affine(tape.param(b), tape.constant(x), tape.param(w), h, tape.param(u)).tanh();
                Var y = h.matmul(tape.param(v));
                Var term = y.times(y).sum();
                loss = loss == null ? term : loss.plus(term);
            }
            return loss.times(1.0 / batch);
        }
    }

    private static Parameter random(String name, int rows, int cols, Random r, DType dtype) {
        double[][] v = new double[rows][cols];
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = r.nextDouble() - 0.5;
            }
        }
        return Parameter.of(name, v).to(dtype);
    }

    private static List<R064Store> inputs(int batch, long seed) {
        Random r = new Random(seed);
        List<R064Store> xs = new ArrayList<>();
        for (int t = 0; t < STEPS; t++) {
            R064Store x = R064Store.FACTORY.make(batch, INPUT);
            for (int i = 0; i < batch; i++) {
                for (int j = 0; j < INPUT; j++) {
                    x.set(i, j, 2 * r.nextDouble() - 1);
                }
            }
            xs.add(x);
        }
        return xs;
    }

    /** The loss, then every gradient element of the model, after a sharded pass from zero gradients. */
    private static double[] sharded(Model m, List<R064Store> xs, BatchShards shards) {
        m.all().forEach(Parameter::zeroGrad);
        double loss = shards.backward((shard, tape) -> m.loss(tape, shard.rowsOfSteps(xs), shards.batch()));
        return withGradients(loss, m);
    }

    private static double[] whole(Model m, List<R064Store> xs, DType dtype) {
        m.all().forEach(Parameter::zeroGrad);
        Tape tape = new Tape(dtype);
        Var loss = m.loss(tape, xs, xs.get(0).getRowDim());
        tape.backward(loss);
        return withGradients(loss.item(), m);
    }

    private static double[] withGradients(double loss, Model m) {
        List<Double> out = new ArrayList<>();
        out.add(loss);
        for (Parameter p : m.all()) {
            for (int i = 0; i < p.shape().rows(); i++) {
                for (int j = 0; j < p.shape().cols(); j++) {
                    out.add(p.grad().doubleValue(i, j));
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void oneShardHasTheBitsOfBackward() {
        for (DType dtype : DType.values()) {
            Model m = Model.of(3, dtype);
            List<R064Store> xs = inputs(9, 4);
            assertArrayEquals(whole(m, xs, dtype), sharded(m, xs, new BatchShards(9, 1, Kernels.defaults(), dtype, 2)), dtype.toString());
        }
    }

    @Test
    void shardsGiveTheWholeBatchsGradients() {
        Gen<int[]> cases = integers().between(1, 12).flatMap(batch -> integers().between(1, batch).map(shards -> new int[] {batch, shards}));
        for (DType dtype : DType.values()) {
            double tolerance = dtype == DType.F64 ? 1e-12 : 2e-5;
            Theories.check(41, 40, cases, c -> {
                Model m = Model.of(c[0] * 31L + c[1], dtype);
                List<R064Store> xs = inputs(c[0], c[1]);
                double[] expected = whole(m, xs, dtype);
                double[] actual = sharded(m, xs, new BatchShards(c[0], c[1], Kernels.defaults(), dtype, 2));
                double scale = 0;
                for (double e : expected) {
                    scale = Math.max(scale, Math.abs(e));
                }
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], tolerance * scale, dtype + " batch " + c[0] + ", " + c[1] + " shards, element " + i);
                }
            });
        }
    }

    @Test
    void theThreadCountDoesNotChangeABit() {
        assumeTrue(Kernels.maxThreads() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        for (DType dtype : DType.values()) {
            Model m = Model.of(5, dtype);
            List<R064Store> xs = inputs(16, 6);
            double[] expected = sharded(m, xs, new BatchShards(16, 4, Kernels.defaults(), dtype, 1));
            BatchShards two = new BatchShards(16, 4, Kernels.defaults(), dtype, 2);
            assertEquals(2, two.threads());
            for (int repeat = 0; repeat < 3; repeat++) {
                assertArrayEquals(expected, sharded(m, xs, two), dtype + " run " + repeat);
            }
        }
    }

    @Test
    void shardsReallyRunOnAnotherThread() {
        assumeTrue(Kernels.maxThreads() >= 2, "needs 2 cores and tapegrad.threads unset or ≥ 2");
        Model m = Model.of(5, DType.F64);
        List<R064Store> xs = inputs(8, 6);
        BatchShards shards = new BatchShards(8, 2, Kernels.defaults(), DType.F64, 2);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            shards.backward((shard, tape) -> {
                seen.add(Thread.currentThread());
                return m.loss(tape, shard.rowsOfSteps(xs), 8);
            });
        }
        assertEquals(2, seen.size(), "in 5 s of passes no shard ran on a second thread");
    }

    @Test
    void gradientsAddToWhatTheParametersHold() {
        Model m = Model.of(8, DType.F64);
        List<R064Store> xs = inputs(6, 9);
        BatchShards shards = new BatchShards(6, 2, DType.F64);
        double[] once = sharded(m, xs, shards);
        shards.backward((shard, tape) -> m.loss(tape, shard.rowsOfSteps(xs), 6));
        double[] twice = withGradients(once[0], m);
        for (int i = 1; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-15 * Math.abs(once[i]), "element " + i);
        }
    }

    @Test
    void shardsCutTheBatchEvenlyInOrder() {
        BatchShards shards = new BatchShards(10, 3, DType.F64);
        assertEquals(List.of(new Shard(0, 0, 3, 10), new Shard(1, 3, 6, 10), new Shard(2, 6, 10, 10)), shards.shards());
        assertEquals(0.4, shards.shard(2).weight(), 0);
        assertArrayEquals(new int[] {7, 8, 9}, shards.shard(1).rowsOf(new int[] {1, 2, 3, 7, 8, 9, 4, 5, 6, 0}));
    }

    @Test
    void badUseIsAOneLineError() {
        assertMessage("batch shards: 5 shards of a batch of 4 rows; expected 1 to 4", () -> new BatchShards(4, 5, DType.F64));
        assertMessage("batch shards: 0 shards of a batch of 4 rows; expected 1 to 4", () -> new BatchShards(4, 0, DType.F64));
        assertMessage("batch shards: threads must be at least 1, got 0", () -> new BatchShards(4, 2, Kernels.defaults(), DType.F64, 0));
        BatchShards shards = new BatchShards(4, 2, DType.F64);
        assertMessage("shard 0: the input has 3 rows, expected the batch's 4", () -> shards.shard(0).rowsOf(R064Store.FACTORY.make(3, 2)));
        assertMessage("shard 1: the per-row array has 2 entries, expected the batch's 4", () -> shards.shard(1).rowsOf(new int[2]));
        assertMessage("batch shards: the loss of shard 0 is 2×2, expected 1×1", () -> shards.backward((s, t) -> t.filled(2, 2, 0.0)));
        Tape other = new Tape();
        assertMessage("batch shards: the loss of shard 0 must be recorded on the tape the shard was given",
                () -> shards.backward((s, t) -> other.filled(1, 1, 0.0)));
        Model m = Model.of(1, DType.F64);
        List<R064Store> xs = inputs(4, 2);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> shards.backward((s, t) -> {
            if (s.index() == 1) {
                throw new IllegalStateException("shard one failed");
            }
            return m.loss(t, s.rowsOfSteps(xs), 4);
        }));
        assertEquals("shard one failed", thrown.getMessage());
        assertEquals(0, shards.tape(0).size(), "the tapes are reset after a failure");
        m.all().forEach(Parameter::zeroGrad);
        assertTrue(Double.isFinite(shards.backward((s, t) -> m.loss(t, s.rowsOfSteps(xs), 4))), "usable after a failure");
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
        assertEquals(expected, e.getMessage());
    }
}
