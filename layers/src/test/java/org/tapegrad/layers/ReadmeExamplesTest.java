package org.tapegrad.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.FusedCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.layers.loss.Reduction;
import org.tapegrad.layers.loss.SequenceCrossEntropy;
import org.tapegrad.layers.optim.Adam;
import org.tapegrad.layers.optim.GradientClipping;
import org.tapegrad.layers.optim.Optimizer;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.layers.train.TruncatedBptt;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** The README's snippets, compiled and run, so the documentation cannot drift from the API. */
class ReadmeExamplesTest {

    /** "Record-time fusion": an LSTM written the obvious way, one matmul per gate and input. */
    record MyLstm(int inputSize, int hiddenSize, List<Parameter> w, List<Parameter> u, List<Parameter> b) implements Cell<LstmState> {
        Var gate(Var x, Var h, int k) { return x.matmul(w.get(k)).plus(h.matmul(u.get(k))).plus(b.get(k)); }
        public LstmState step(Tape tape, Var x, LstmState s) {
            Var i = gate(x, s.h(), 0).sigmoid(), f = gate(x, s.h(), 1).sigmoid();
            Var g = gate(x, s.h(), 2).tanh(), o = gate(x, s.h(), 3).sigmoid();
            Var c = f.times(s.c()).plus(i.times(g));
            return new LstmState(o.times(c.tanh()), c);
        }
        public LstmState initialState(Tape tape, int batch) { return new LstmState(tape.filled(batch, hiddenSize, 0), tape.filled(batch, hiddenSize, 0)); }
        public LstmState withParts(List<Var> parts) { return new LstmState(parts.get(0), parts.get(1)); }
        public List<Parameter> parameters() { List<Parameter> all = new ArrayList<>(w); all.addAll(u); all.addAll(b); return all; }

        static MyLstm create(int inputs, int hidden, Random random) {
            List<Parameter> w = new ArrayList<>(), u = new ArrayList<>(), b = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                w.add(uniform("w" + k, inputs, hidden, random));
                u.add(uniform("u" + k, hidden, hidden, random));
                b.add(uniform("b" + k, 1, hidden, random));
            }
            return new MyLstm(inputs, hidden, w, u, b);
        }

        private static Parameter uniform(String name, int rows, int cols, Random random) {
            Parameter p = new Parameter(name, rows, cols);
            org.tapegrad.layers.init.Initializer.uniform(1 / Math.sqrt(cols)).initialize(p, random);
            return p;
        }
    }

    @Test
    void aCustomCellFusedTrainsAndIsOneProductPerStep() {
        int inputs = 3, hidden = 8, batch = 4, steps = 6;
        Cell<LstmState> lstm = FusedCell.of(MyLstm.create(inputs, hidden, new Random(3)));
        Linear head = new Linear("head", hidden, 1, true, new Random(4));
        List<Parameter> params = new ArrayList<>(lstm.parameters());
        params.addAll(head.parameters());
        Optimizer adam = Adam.builder(0.02).build();
        Random data = new Random(5);
        Tape tape = new Tape();
        double first = 0, last = 0;
        for (int iteration = 0; iteration < 150; iteration++) {
            List<Var> xs = new ArrayList<>();
            double[][] sum = new double[batch][1];
            for (int t = 0; t < steps; t++) {
                double[][] x = new double[batch][inputs];
                for (int r = 0; r < batch; r++) {
                    for (int j = 0; j < inputs; j++) {
                        x[r][j] = data.nextDouble() - 0.5;
                        sum[r][0] += j == 0 ? x[r][j] : 0;   // the target: the running sum of the first feature
                    }
                }
                xs.add(tape.constant(x));
            }
            Var h = Unroll.fromZero(lstm, tape, xs, null).finalState().h();
            Var loss = head.apply(h).squaredError(tape.constant(sum)).mean();
            tape.backward(loss);
            adam.step(params);
            params.forEach(Parameter::zeroGrad);
            if (iteration == 0) {
                first = loss.item();
            }
            last = loss.item();
            tape.reset();
        }
        assertTrue(last < 0.3 * first, "loss " + first + " → " + last);
        FusedCell<LstmState> fused = (FusedCell<LstmState>) lstm;
        assertTrue(fused.unfusedReason().isEmpty());
        assertEquals(1, fused.program(org.tapegrad.op.Shape.of(batch, inputs),
                List.of(org.tapegrad.op.Shape.of(batch, hidden), org.tapegrad.op.Shape.of(batch, hidden))).orElseThrow().products());
    }

    @Test
    void engineInFiveLines() {
        double[][] x = new double[32][64];
        int[] targets = new int[32];
        for (int i = 0; i < 32; i++) {
            x[i][i] = 1;
            targets[i] = i % 256;
        }
        Parameter w = new Parameter("W", 64, 256), b = new Parameter("b", 1, 256);
        Tape tape = new Tape();
        Var loss = tape.constant(x).matmul(w).plus(b).tanh().crossEntropy(targets).mean();
        tape.backward(loss);
        assertEquals(Math.log(256), loss.item(), 1e-12);
        assertEquals(-(1 - 1 / 256.0) / 32, w.grad().get(0, 0), 1e-12);
        tape.reset();
    }

    @Test
    void lstmWithLengthsAndTruncatedBpttLearnsACopyTask() {
        int vocabulary = 5, hidden = 16, steps = 24;
        Random random = new Random(7);
        Embedding embedding = new Embedding("emb", vocabulary, 8, random);
        LstmCell lstm = new LstmCell("lstm", 8, hidden, 1.0, random);
        Linear head = new Linear("head", hidden, vocabulary, true, random);
        List<Parameter> params = new ArrayList<>();
        params.addAll(embedding.parameters());
        params.addAll(lstm.parameters());
        params.addAll(head.parameters());
        int[] ids = new int[steps + 1];
        for (int t = 0; t <= steps; t++) {
            ids[t] = (t * 3) % vocabulary;            // a periodic stream: the next symbol is predictable
        }
        Optimizer adam = Adam.builder(0.05).build();
        Tape tape = new Tape();
        TruncatedBptt<LstmState> tbptt = TruncatedBptt.every(lstm, 8);
        double first = 0, last = 0;
        for (int epoch = 0; epoch < 12; epoch++) {
            double[] total = {0};
            tbptt.run(tape, steps, (tp, t) -> embedding.lookup(tp, ids[t]), null,
                    chunk -> {
                        int[][] targets = new int[chunk.length()][];
                        for (int k = 0; k < chunk.length(); k++) {
                            targets[k] = new int[] {ids[chunk.start() + k + 1]};
                        }
                        return SequenceCrossEntropy.loss(chunk.outputs().stream().map(head::apply).toList(), targets, null, Reduction.MEAN_PER_STEP);
                    },
                    r -> {
                        total[0] += r.loss();
                        GradientClipping.clipByGlobalNorm(params, 5);
                        adam.step(params);
                        params.forEach(Parameter::zeroGrad);
                    });
            if (epoch == 0) {
                first = total[0];
            }
            last = total[0];
        }
        assertTrue(last < 0.2 * first, "loss " + first + " → " + last);

        // Unroll with lengths and a masked loss, as in the README
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            xs.add(embedding.lookup(tape, ids[t], ids[t + 1]));
        }
        int[] lengths = {4, 2};
        Unrolled<LstmState> run = Unroll.run(lstm, tape, xs, lstm.initialState(tape, 2), lengths);
        int[][] targets = {{1, 2}, {2, 3}, {3, 4}, {4, 0}};
        Var loss = SequenceCrossEntropy.loss(run.outputs().stream().map(head::apply).toList(), targets, lengths, Reduction.MEAN_PER_STEP);
        tape.backward(loss);
        assertTrue(lstm.wx().grad().doubleValue(0, 0) != 0 || lstm.wx().grad().doubleValue(1, 0) != 0);
    }

    /** "Networks": the snippet as written, with its shapes checked. */
    @Test
    void networkWithPyTorchsKnobs() {
        int I = 3, H = 4, B = 2, T = 5;
        long seed = 11;
        Tape tape = new Tape();
        Var x = tape.filled(B * T, I, 0.25);
        int[] lengths = {5, 3};
        Var h0 = tape.filled(2 * 2 * B, H, 0.1);
        Var c0 = tape.filled(2 * 2 * B, H, -0.1);
        org.tapegrad.layers.net.RecurrentNetwork net = org.tapegrad.layers.net.RecurrentNetwork
                .builder(org.tapegrad.layers.net.CellFactory.lstm(), I, H)
                .layers(2).bidirectional(true).dropout(0.2).layout(org.tapegrad.layers.net.SequenceLayout.BATCH_MAJOR).build(new Random(7));
        org.tapegrad.layers.net.NetworkOutput out = net.run(tape, x, B, org.tapegrad.layers.net.NetworkOptions.defaults()
                .withLengths(lengths).withInitial(h0, c0).withMode(org.tapegrad.layers.reg.Mode.training(seed)));
        assertEquals(B * T, out.output().rows());
        assertEquals(2 * H, out.output().cols());
        assertEquals(2 * 2 * B, out.finalHidden().rows());
        assertEquals(2 * 2 * B, out.finalPart(1).rows());
        assertEquals(0.0, out.output().get(1 * T + 4, 0), "sequence 1 (length 3) is zero at step 4");
        net.cell(1, true, LstmCell.class);
    }

    /** "Data parallelism over the batch": the snippet, against the same loss recorded on one tape. */
    @Test
    void batchShardsSnippetGivesTheOneTapeGradients() {
        Random random = new Random(5);
        LstmCell cell = new LstmCell("lstm", 6, 8, random);
        List<org.ojalgo.matrix.store.R064Store> batchSteps = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            org.ojalgo.matrix.store.R064Store x = org.ojalgo.matrix.store.R064Store.FACTORY.make(32, 6);
            for (int i = 0; i < x.data.length; i++) {
                x.data[i] = random.nextGaussian();
            }
            batchSteps.add(x);
        }
        double[][] targets = new double[32][8];
        for (double[] row : targets) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextDouble();
            }
        }
        org.tapegrad.tape.BatchShards shards = new org.tapegrad.tape.BatchShards(32, 2, org.tapegrad.op.DType.F64);
        double loss = shards.backward((shard, tape) -> {
            List<Var> xs = shard.rowsOfSteps(batchSteps).stream().map(tape::constant).toList();
            Var h = Unroll.run(cell, tape, xs, cell.initialState(tape, shard.rows())).finalState().output();
            return h.squaredError(tape.constant(shard.rowsOf(targets))).mean().times(shard.weight());
        });
        double[] sharded = gradients(cell);
        cell.parameters().forEach(Parameter::zeroGrad);
        Tape tape = new Tape();
        List<Var> xs = batchSteps.stream().map(tape::constant).toList();
        Var h = Unroll.run(cell, tape, xs, cell.initialState(tape, 32)).finalState().output();
        Var whole = h.squaredError(tape.constant(targets)).mean();
        tape.backward(whole);
        assertEquals(whole.item(), loss, 1e-12);
        double[] one = gradients(cell);
        for (int i = 0; i < one.length; i++) {
            assertEquals(one[i], sharded[i], 1e-12, "gradient element " + i);
        }
    }

    private static double[] gradients(Cell<?> cell) {
        List<Double> out = new ArrayList<>();
        for (Parameter p : cell.parameters()) {
            for (int i = 0; i < p.shape().rows(); i++) {
                for (int j = 0; j < p.shape().cols(); j++) {
                    out.add(p.grad().doubleValue(i, j));
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
