package org.tapegrad.layers.loss;

import static org.tapegrad.tape.Ops.concatColumns;
import static org.tapegrad.tape.Ops.selectRows;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** Collects the {@code 1×1} per-step sums of a sequence loss and applies the reduction. */
final class StepTerms {

    private final List<Var> sums = new ArrayList<>();

    void add(Var stepSum) {
        sums.add(stepSum);
    }

    /**
     * The reduced loss; with no real step at all, a constant 0 that needs no gradient (there is nothing to learn
     * from an all-padding batch).
     */
    Var reduce(Tape tape, Reduction reduction, int realSteps) {
        if (sums.isEmpty() || realSteps == 0) {
            return tape.filled(1, 1, 0.0);
        }
        Var total = sums.size() == 1 ? sums.get(0) : concatColumns(sums.toArray(new Var[0])).sum();
        return switch (reduction) {
            case SUM -> total;
            case MEAN_PER_STEP -> total.times(1.0 / realSteps);
        };
    }

    /**
     * Element-wise per-step loss with padded rows removed exactly: padded rows of the prediction and the target are
     * replaced by zeros before {@code term} (so non-finite padding cannot leak into the gradient) and the rows of
     * the result are zeroed again after it. When every row is real no select is recorded.
     */
    static Var maskedRows(Tape tape, boolean[] live, int liveCount, Var prediction, Var target,
            java.util.function.BinaryOperator<Var> term) {
        if (liveCount == live.length) {
            return term.apply(prediction, target).sum();
        }
        Var zeros = tape.filled(prediction.rows(), prediction.cols(), 0.0);
        Var p = selectRows(live, prediction, zeros);
        Var y = selectRows(live, target, zeros);
        return selectRows(live, term.apply(p, y), zeros).sum();
    }

    static void checkSameShape(String loss, int t, Var prediction, Var target) {
        if (prediction.rows() != target.rows() || prediction.cols() != target.cols()) {
            throw new IllegalArgumentException(loss + ": step " + t + " has predictions " + prediction.shape() + " but targets " + target.shape());
        }
    }

    static void checkSteps(String loss, int predictions, int targets) {
        if (predictions == 0) {
            throw new IllegalArgumentException(loss + ": the sequence has no steps");
        }
        if (predictions != targets) {
            throw new IllegalArgumentException(loss + ": " + predictions + " steps of predictions but " + targets + " steps of targets");
        }
    }
}
