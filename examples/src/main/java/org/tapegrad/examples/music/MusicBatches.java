package org.tapegrad.examples.music;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Next-frame prediction batches of piano rolls: the input at step t is frame t−1 (silence before the first frame),
 * the target is frame t, so every frame of a sequence is predicted exactly once, as the Bernoulli baseline does.
 * Sequences of a batch are padded to the longest; padded steps are excluded from the loss through {@code lengths}.
 */
final class MusicBatches {

    /** One padded batch: {@code inputs.get(t)} and {@code targets.get(t)} are {@code B×88}. */
    record Batch(List<double[][]> inputs, List<double[][]> targets, int[] lengths, long steps) {

        List<Var> inputs(Tape tape) {
            return onto(tape, inputs);
        }

        List<Var> targets(Tape tape) {
            return onto(tape, targets);
        }

        private static List<Var> onto(Tape tape, List<double[][]> xs) {
            List<Var> out = new ArrayList<>(xs.size());
            for (double[][] x : xs) {
                out.add(tape.constant(x));
            }
            return out;
        }
    }

    private MusicBatches() {
    }

    /** Batches of up to {@code size} sequences, in the given order. */
    static List<Batch> of(List<double[][]> sequences, int size) {
        List<Batch> out = new ArrayList<>();
        for (int from = 0; from < sequences.size(); from += size) {
            out.add(batch(sequences.subList(from, Math.min(sequences.size(), from + size))));
        }
        return out;
    }

    static Batch batch(List<double[][]> seqs) {
        int b = seqs.size();
        int[] lengths = new int[b];
        int T = 0;
        long steps = 0;
        for (int i = 0; i < b; i++) {
            lengths[i] = seqs.get(i).length;
            T = Math.max(T, lengths[i]);
            steps += lengths[i];
        }
        List<double[][]> inputs = new ArrayList<>(T);
        List<double[][]> targets = new ArrayList<>(T);
        for (int t = 0; t < T; t++) {
            double[][] x = new double[b][PianoRolls.PITCHES];
            double[][] y = new double[b][PianoRolls.PITCHES];
            for (int i = 0; i < b; i++) {
                double[][] s = seqs.get(i);
                if (t < s.length) {
                    y[i] = s[t].clone();
                    if (t > 0) {
                        x[i] = s[t - 1].clone();
                    }
                }
            }
            inputs.add(x);
            targets.add(y);
        }
        return new Batch(inputs, targets, lengths, steps);
    }
}
