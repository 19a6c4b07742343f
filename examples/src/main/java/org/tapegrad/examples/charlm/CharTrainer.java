package org.tapegrad.examples.charlm;

import java.util.List;

import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.loss.Reduction;
import org.tapegrad.layers.loss.SequenceCrossEntropy;
import org.tapegrad.layers.optim.GradientClipping;
import org.tapegrad.layers.optim.Optimizer;
import org.tapegrad.layers.train.CarriedState;
import org.tapegrad.layers.train.Chunk;
import org.tapegrad.layers.train.TruncatedBptt;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Trains a {@link CharModel} with truncated BPTT: the training text is cut into B contiguous streams read side by
 * side; every chunk of k characters per stream is one iteration (backward through those k steps, clip the global
 * gradient norm, one optimizer step), and the state is carried to the next chunk. The state starts from zero at the
 * start of every pass over the streams and only there, so where training stands is a function of the iteration and
 * the carried state alone: stopping for an evaluation or a checkpoint, or resuming, changes nothing.
 *
 * @param batch B streams
 * @param bptt k, steps per chunk
 * @param clip maximum global gradient norm
 */
public record CharTrainer(int batch, int bptt, double clip) {

    /** Called after every iteration with its training loss in nats per character. */
    public interface Listener {
        void iteration(long iteration, double natsPerChar);
    }

    /** The fewest training characters B streams of at least k + 1 characters need. */
    public long minimumTextLength() {
        return (long) batch * (bptt + 1);
    }

    /**
     * Runs {@code iterations} iterations starting at {@code startIteration} (which fixes where in the streams).
     *
     * @param carried the state the previous iteration left (null at the start of a pass, and ignored there)
     * @return the state to carry into the iteration after the last one run
     */
    public <S extends CellState> CarriedState train(CharModel<S> model, int[] text, Optimizer optimizer, long startIteration, long iterations,
            CarriedState carried, Listener listener) {
        int streamLength = text.length / batch;
        if (streamLength < bptt + 1) {
            throw new IllegalArgumentException("the training text (" + text.length + " characters) is too short for " + batch
                    + " streams of at least " + (bptt + 1) + " characters");
        }
        int chunksPerPass = (streamLength - 1) / bptt;
        List<Parameter> params = model.parameters();
        Tape tape = new Tape(model.dtype());
        TruncatedBptt<S> tbptt = TruncatedBptt.every(model.cell(), bptt);
        long it = startIteration;
        long end = startIteration + iterations;
        CarriedState state = carried;
        while (it < end) {
            // The rest of the pass this iteration falls in; a new pass starts from the zero state.
            int firstChunk = (int) (it % chunksPerPass);
            if (firstChunk == 0) {
                state = null;
            }
            int chunks = (int) Math.min(chunksPerPass - firstChunk, end - it);
            int offset = firstChunk * bptt;
            long[] counter = {it};
            state = tbptt.run(tape, chunks * bptt, (tp, t) -> model.embedding().lookup(tp, ids(text, streamLength, offset + t)), state,
                    chunk -> loss(model, chunk, text, streamLength, offset), result -> {
                        GradientClipping.clipByGlobalNorm(params, clip);
                        optimizer.step(params);
                        params.forEach(Parameter::zeroGrad);
                        listener.iteration(++counter[0], result.loss());
                    });
            it = counter[0];
        }
        return state;
    }

    /**
     * Loss in nats per character of {@code text} read as one stream (no gradient), in chunks of {@code bptt}, on its own
     * tape from its own zero state: it reads the weights and changes nothing training uses.
     */
    public <S extends CellState> double evaluate(CharModel<S> model, int[] text) {
        Tape tape = new Tape(model.dtype());
        TruncatedBptt<S> tbptt = TruncatedBptt.every(model.cell(), bptt);
        double[] total = {0};
        long[] count = {0};
        int steps = text.length - 1;
        try (NoGrad ignored = tape.noGrad()) {
            tbptt.run(tape, steps, (tp, t) -> model.embedding().lookup(tp, text[t]), null, chunk -> {
                List<Var> logits = model.logits(chunk.outputs());
                int[][] targets = new int[chunk.length()][1];
                for (int t = 0; t < chunk.length(); t++) {
                    targets[t][0] = text[chunk.start() + t + 1];
                }
                return SequenceCrossEntropy.loss(logits, targets, null, Reduction.SUM);
            }, result -> {
                total[0] += result.loss();
                count[0] += result.chunk().length();
            });
        }
        return total[0] / count[0];
    }

    private <S extends CellState> Var loss(CharModel<S> model, Chunk<S> chunk, int[] text, int streamLength, int offset) {
        List<Var> logits = model.logits(chunk.outputs());
        int b = chunk.outputs().get(0).rows();
        int[][] targets = new int[chunk.length()][b];
        for (int t = 0; t < chunk.length(); t++) {
            targets[t] = ids(text, streamLength, offset + chunk.start() + t + 1);
        }
        return SequenceCrossEntropy.loss(logits, targets, null, Reduction.MEAN_PER_STEP);
    }

    /** Character at position {@code t} of every stream. */
    private int[] ids(int[] text, int streamLength, int t) {
        int streams = batch;
        int[] ids = new int[streams];
        for (int s = 0; s < streams; s++) {
            ids[s] = text[s * streamLength + t];
        }
        return ids;
    }

}
