package org.tapegrad.layers.loss;

import java.util.List;

import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Sigmoid binary cross-entropy over K independent bits at every step (e.g. the 88 pitches of polyphonic music):
 * {@code ℓ(t, b) = Σ_k [max(x, 0) − x·y + log(1 + e^{−|x|})]} with {@code x = logits_t[b, k]},
 * {@code y = targets_t[b, k] ∈ [0, 1]}, reduced over the real steps by a {@link Reduction}. With
 * {@link Reduction#MEAN_PER_STEP} this is the negative log-likelihood per time step summed over pitches. Padded rows
 * are removed with row selects (never multiplied by a 0/1 mask), so they change neither the loss nor the gradients
 * even if they hold ±∞ or NaN.
 */
public final class SequenceBinaryCrossEntropy {

    private static final String NAME = "sequence binary cross-entropy";

    private SequenceBinaryCrossEntropy() {
    }

    /**
     * @param logits  per step, {@code B×K}
     * @param targets per step, {@code B×K} values in [0, 1] (usually 0/1)
     * @param lengths real length of each sequence ({@code 0..T}), or {@code null} for all T
     * @return the {@code 1×1} loss; a constant 0 without gradient if no step is real
     */
    public static Var loss(List<Var> logits, List<Var> targets, int[] lengths, Reduction reduction) {
        StepTerms.checkSteps(NAME, logits.size(), targets.size());
        Tape tape = logits.get(0).tape();
        int batch = logits.get(0).rows();
        StepMask mask = StepMask.of(logits.size(), batch, lengths);
        StepTerms terms = new StepTerms();
        for (int t = 0; t < logits.size(); t++) {
            Var x = logits.get(t);
            Var y = targets.get(t);
            StepTerms.checkSameShape(NAME, t, x, y);
            if (x.rows() != batch) {
                throw new IllegalArgumentException(NAME + ": step " + t + " has logits " + x.shape() + "; expected " + batch + " rows like step 0");
            }
            int live = mask.liveCount(t);
            if (live > 0) {
                terms.add(StepTerms.maskedRows(tape, mask.liveRows(t), live, x, y, Var::binaryCrossEntropy));
            }
        }
        return terms.reduce(tape, reduction, mask.realSteps());
    }
}
