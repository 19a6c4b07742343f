package org.tapegrad.layers.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.layers.net.CellFactory;
import org.tapegrad.layers.net.NetworkOptions;
import org.tapegrad.layers.net.NetworkOutput;
import org.tapegrad.layers.net.RecurrentNetwork;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** A checkpointed stacked bidirectional network gives RecurrentNetwork's full-tape gradients. */
class CheckpointedNetworkTest {

    private static final int T = 13;
    private static final int B = 3;

    private record Setup(RecurrentNetwork net, Parameter readout, List<MatrixStore<Double>> xs, double[][][] ys, List<Parameter> params) {
        Var term(Tape tape, int t, Var y) {
            return y.matmul(readout).squaredError(tape.constant(ys[t])).sum();
        }

        double[][] grads() {
            double[][] g = new double[params.size()][];
            for (int k = 0; k < g.length; k++) {
                g[k] = Layout.toRowMajorFlat(params.get(k).grad());
            }
            return g;
        }

        void zeroGrad() {
            params.forEach(Parameter::zeroGrad);
        }
    }

    private static Setup setup(CellFactory cells, boolean bidirectional, int layers, long seed) {
        Random r = new Random(seed);
        RecurrentNetwork net = RecurrentNetwork.builder(cells, 3, 4).layers(layers).bidirectional(bidirectional).build(r);
        double[][] v = new double[net.outputSize()][2];
        for (double[] row : v) {
            row[0] = r.nextGaussian();
            row[1] = r.nextGaussian();
        }
        Parameter readout = Parameter.of("readout", v);
        List<MatrixStore<Double>> xs = new ArrayList<>();
        double[][][] ys = new double[T][B][2];
        for (int t = 0; t < T; t++) {
            double[][] x = new double[B][3];
            for (int b = 0; b < B; b++) {
                for (int i = 0; i < 3; i++) {
                    x[b][i] = r.nextGaussian();
                }
                ys[t][b][0] = r.nextGaussian();
                ys[t][b][1] = r.nextGaussian();
            }
            xs.add(Layout.matrix(x));
        }
        List<Parameter> params = new ArrayList<>(net.parameters());
        params.add(readout);
        return new Setup(net, readout, xs, ys, params);
    }

    private static double[][] full(Setup s, int[] lengths, double[] loss) {
        s.zeroGrad();
        Tape tape = new Tape();
        List<Var> in = new ArrayList<>();
        s.xs.forEach(x -> in.add(tape.constant(x)));
        NetworkOptions options = lengths == null ? NetworkOptions.defaults() : NetworkOptions.defaults().withLengths(lengths);
        NetworkOutput out = s.net.run(tape, in, options);
        Var total = null;
        for (int t = 0; t < T; t++) {
            Var term = s.term(tape, t, out.steps().get(t));
            total = total == null ? term : total.plus(term);
        }
        tape.backward(total);
        loss[0] = total.item();
        return s.grads();
    }

    private static double[][] checkpointed(Setup s, int[] lengths, CheckpointSchedule schedule, double[] loss) {
        s.zeroGrad();
        CheckpointedNetwork.Result r = new CheckpointedNetwork(s.net, schedule).run(s.xs, lengths, s::term);
        loss[0] = r.loss();
        assertTrue(r.peakBytes() > 0);
        return s.grads();
    }

    @Test
    void stackedBidirectionalLstmIsBitwiseFullBptt() {
        Setup s = setup(CellFactory.lstm(), true, 2, 1);
        double[] fl = new double[1];
        double[] cl = new double[1];
        double[][] full = full(s, null, fl);
        for (CheckpointSchedule schedule : List.of(CheckpointSchedule.sqrt(), CheckpointSchedule.binomial(1, 2))) {
            double[][] ck = checkpointed(s, null, schedule, cl);
            for (int k = 0; k < full.length; k++) {
                assertArrayEquals(full[k], ck[k], schedule + ": " + s.params.get(k).name());
            }
            assertEquals(fl[0], cl[0], 0.0);
        }
    }

    @Test
    void paddedBidirectionalGruAndOneDirectionStacksMatchWithin1e12() {
        int[] lengths = {13, 4, 9};
        for (Setup s : List.of(setup(CellFactory.gru(), true, 2, 2), setup(CellFactory.lstm(), false, 3, 3), setup(CellFactory.lstm(), true, 1, 4))) {
            double[] fl = new double[1];
            double[] cl = new double[1];
            double[][] full = full(s, lengths, fl);
            double[][] ck = checkpointed(s, lengths, CheckpointSchedule.every(3), cl);
            for (int k = 0; k < full.length; k++) {
                for (int i = 0; i < full[k].length; i++) {
                    assertEquals(full[k][i], ck[k][i], 1e-12 * Math.max(1, Math.abs(full[k][i])), s.net + ": " + s.params.get(k).name() + "[" + i + "]");
                }
            }
            assertEquals(fl[0], cl[0], 1e-12 * Math.abs(fl[0]));
        }
    }

    @Test
    void dropoutBetweenLayersIsRejected() {
        RecurrentNetwork net = RecurrentNetwork.builder(CellFactory.lstm(), 3, 4).layers(2).dropout(0.5).build(new Random(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CheckpointedNetwork(net, CheckpointSchedule.sqrt()));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
    }
}
