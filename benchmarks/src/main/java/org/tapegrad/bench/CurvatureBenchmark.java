package org.tapegrad.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.ojalgo.matrix.store.R064Store;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tapegrad.layers.Linear;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Curvature;
import org.tapegrad.tape.GaussNewton;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.ParameterVectors;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * One Hessian-vector product and one Gauss-Newton product beside one gradient, on a tanh RNN with a linear read-out
 * of the last state under squared error: the unit of work of Hessian-free training (every CG iteration is one
 * {@code G·v}). Each benchmark records the objective itself, as HF does per product.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CurvatureBenchmark {

    /** B, T, I, H. */
    @Param({"B32_T50_I64_H128"})
    public String shape;

    private final Tape tape = new Tape();
    private final Tape hvpTape = new Tape();
    private RnnCell cell;
    private Linear readout;
    private List<Parameter> params;
    private R064Store[] xs;
    private double[][] targets;
    private double[] v;
    private GaussNewton gaussNewton;

    @Setup
    public void setUp() {
        BenchmarkJvm.limitOjAlgoThreads();
        RecurrentShape s = RecurrentShape.parse(shape);
        Random random = new Random(7);
        cell = new RnnCell("rnn", s.input(), s.hidden(), RnnCell.Activation.TANH, random);
        readout = new Linear("out", s.hidden(), 1, true, random);
        params = new ArrayList<>(cell.parameters());
        params.addAll(readout.parameters());
        xs = Inputs.sequence(s.steps(), s.batch(), s.input(), random);
        targets = new double[s.batch()][1];
        for (double[] t : targets) {
            t[0] = random.nextDouble();
        }
        v = new double[ParameterVectors.size(params)];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        gaussNewton = GaussNewton.of(this::loss, params);
    }

    private Var loss(Tape t) {
        List<Var> inputs = new ArrayList<>(xs.length);
        for (R064Store x : xs) {
            inputs.add(t.constant(x));
        }
        Var h = Unroll.run(cell, t, inputs, cell.initialState(t, xs[0].getRowDim())).finalState().output();
        return readout.apply(h).squaredError(t.constant(targets)).mean();
    }

    /** Record, backward (into the parameters' gradients), reset: one gradient. */
    @Benchmark
    public double gradient() {
        for (Parameter p : params) {
            p.zeroGrad();
        }
        Var loss = loss(tape);
        tape.backward(loss);
        double value = loss.item();
        tape.reset();
        return value;
    }

    /** Record, record the tangent along v, reverse over it: one exact H·v. */
    @Benchmark
    public double[] hessianVector() {
        return Curvature.hessianVector(hvpTape, this::loss, params, v);
    }

    /** Record, J·v under no-grad, H_L, one reverse pass: one G·v. */
    @Benchmark
    public double[] gaussNewtonVector() {
        return gaussNewton.product(v);
    }
}
