package org.tapegrad.bench;

import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.layers.train.CheckpointSchedule;
import org.tapegrad.layers.train.CheckpointedBptt;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

import java.util.ArrayList;
import java.util.List;

/**
 * The two workloads compared by the checkpointing benchmarks, LSTM forward + backward over T steps with
 * {@code L = Σ h_T}: on one full tape ({@link TapeRun}'s loop) and checkpointed. Each remembers the bytes its last
 * run held at the peak, in the buffer pool's account ({@link Tape#peakBytesHeld()}).
 */
final class CheckpointRun {

    private final LstmCell cell;
    private final R064Store[] xs;
    private final Tape fullTape;
    private final CheckpointedBptt<LstmState> checkpointed;
    long fullPeakBytes;
    long checkpointedPeakBytes;

    /** Both runs on tapes of {@code kernels}. */
    CheckpointRun(LstmCell cell, R064Store[] xs, CheckpointSchedule schedule, Kernels kernels) {
        this.cell = cell;
        this.xs = xs;
        this.fullTape = new Tape(kernels);
        this.checkpointed = new CheckpointedBptt<>(cell, schedule, new Tape(kernels));
    }

    /** Threads the runs' products are split over. */
    int threads() {
        return fullTape.kernels().gemm().threads();
    }

    double full() {
        for (Parameter p : cell.parameters()) {
            p.zeroGrad();
        }
        List<Var> inputs = new ArrayList<>(xs.length);
        for (R064Store x : xs) {
            inputs.add(fullTape.constant(x));
        }
        LstmState last = Unroll.run(cell, fullTape, inputs, cell.initialState(fullTape, xs[0].getRowDim())).finalState();
        Var loss = last.output().sum();
        fullTape.backward(loss);
        double value = loss.item();
        fullPeakBytes = fullTape.peakBytesHeld();
        fullTape.reset();
        return value;
    }

    double checkpointed() {
        for (Parameter p : cell.parameters()) {
            p.zeroGrad();
        }
        int last = xs.length - 1;
        CheckpointedBptt.Result r = checkpointed.run(xs.length, (tape, t) -> tape.constant(xs[t]), null, null,
                (tape, t, s) -> t == last ? s.output().sum() : null);
        checkpointedPeakBytes = r.peakBytes();
        return r.loss();
    }
}
