package org.tapegrad.layers.loss;

import java.util.List;

import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Squared error at every step: {@code ℓ(t, b) = Σ_k (pred_t[b, k] − target_t[b, k])²}, reduced over the real steps
 * by a {@link Reduction}. With {@link Reduction#MEAN_PER_STEP} and K = 1 this is the usual mean squared error; for
 * K > 1 it is K times PyTorch's element mean ({@code MSELoss(reduction='mean')}), since the K errors of a step are
 * summed. Padded rows are removed with row selects, so they change neither the loss nor the gradients.
 */
public final class SequenceSquaredError {

    private static final String NAME = "sequence squared error";

    private SequenceSquaredError() {
    }

    /**
     * @param predictions per step, {@code B×K}
     * @param targets     per step, {@code B×K}
     * @param lengths     real length of each sequence ({@code 0..T}), or {@code null} for all T
     * @return the {@code 1×1} loss; a constant 0 without gradient if no step is real
     */
    public static Var loss(List<Var> predictions, List<Var> targets, int[] lengths, Reduction reduction) {
        StepTerms.checkSteps(NAME, predictions.size(), targets.size());
        Tape tape = predictions.get(0).tape();
        int batch = predictions.get(0).rows();
        StepMask mask = StepMask.of(predictions.size(), batch, lengths);
        StepTerms terms = new StepTerms();
        for (int t = 0; t < predictions.size(); t++) {
            Var p = predictions.get(t);
            Var y = targets.get(t);
            StepTerms.checkSameShape(NAME, t, p, y);
            if (p.rows() != batch) {
                throw new IllegalArgumentException(NAME + ": step " + t + " has predictions " + p.shape() + "; expected " + batch + " rows like step 0");
            }
            int live = mask.liveCount(t);
            if (live > 0) {
                terms.add(StepTerms.maskedRows(tape, mask.liveRows(t), live, p, y, Var::squaredError));
            }
        }
        return terms.reduce(tape, reduction, mask.realSteps());
    }
}
