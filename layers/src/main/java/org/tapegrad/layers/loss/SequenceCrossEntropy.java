package org.tapegrad.layers.loss;

import java.util.List;

import org.tapegrad.tape.Var;

/**
 * Softmax cross-entropy over K classes at every step of a padded batch:
 * {@code ℓ(t, b) = −log softmax(logits_t[b, :])[targets[t][b]]}, reduced by a {@link Reduction} over the real steps.
 * Padded steps and targets of {@code -1} are passed to the op as its ignore target, so they contribute an exact 0
 * to the loss and to every gradient, whatever their logits hold.
 */
public final class SequenceCrossEntropy {

    private static final String NAME = "sequence cross-entropy";

    private SequenceCrossEntropy() {
    }

    /**
     * @param logits  per step, {@code B×K} unnormalized scores
     * @param targets {@code targets[t][b]}: class index in {@code 0..K−1} of sequence b at step t, or {@code -1} to
     *                ignore that step (not counted in N)
     * @param lengths real length of each sequence ({@code 0..T}), or {@code null} for all T
     * @return the {@code 1×1} loss; a constant 0 without gradient if no step is real
     */
    public static Var loss(List<Var> logits, int[][] targets, int[] lengths, Reduction reduction) {
        StepTerms.checkSteps(NAME, logits.size(), targets.length);
        int batch = logits.get(0).rows();
        StepMask mask = StepMask.of(logits.size(), batch, lengths);
        StepTerms terms = new StepTerms();
        int realSteps = 0;
        for (int t = 0; t < logits.size(); t++) {
            Var x = logits.get(t);
            if (x.rows() != batch || targets[t].length != batch) {
                throw new IllegalArgumentException(NAME + ": step " + t + " has logits " + x.shape() + " and " + targets[t].length
                        + " targets; expected " + batch + " rows like step 0");
            }
            int[] masked = new int[batch];
            int live = 0;
            for (int b = 0; b < batch; b++) {
                masked[b] = mask.live(t, b) ? targets[t][b] : -1;
                live += masked[b] == -1 ? 0 : 1;
            }
            if (live > 0) {
                terms.add(x.crossEntropy(masked).sum());
                realSteps += live;
            }
        }
        return terms.reduce(logits.get(0).tape(), reduction, realSteps);
    }
}
