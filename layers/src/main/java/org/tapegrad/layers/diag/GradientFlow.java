package org.tapegrad.layers.diag;

import java.util.List;

import org.tapegrad.layers.seq.Unrolled;
import org.tapegrad.tape.Gradients;
import org.tapegrad.tape.Var;

/**
 * Per-step gradient norms read from the gradients of a loss ({@code tape.backward(loss)} or
 * {@code tape.gradients(loss, null)}). The gradient of a recorded {@code h_t} is the total derivative
 * {@code ∂L/∂h_t}: the sum over every path from {@code h_t} to the loss, through its own loss term and through all
 * later steps. Plotted against the distance {@code T − t} on a log scale it shows vanishing or exploding gradients.
 *
 * <p>A gradient pass releases intermediates' gradients once used, so call {@link #retain} on the unroll before the
 * pass ({@code tape.backward} or {@code tape.gradients}) whose gradients these methods read.
 */
public final class GradientFlow {

    private GradientFlow() {
    }

    /**
     * Asks the coming gradient passes to keep the gradient of every output and every state part of {@code unrolled}
     * ({@link Var#retainGrad()}), which the norms below read.
     *
     * @return {@code unrolled}
     */
    public static <U extends Unrolled<?>> U retain(U unrolled) {
        for (Var h : unrolled.outputs()) {
            if (h.requiresGrad()) {
                h.retainGrad();
            }
        }
        unrolled.states().forEach(s -> s.parts().forEach(p -> {
            if (p.requiresGrad()) {
                p.retainGrad();
            }
        }));
        return unrolled;
    }

    /** {@code ‖∂L/∂h_t‖_F} (over the whole {@code B×H} batch) for every step t of {@code unrolled}. */
    public static double[] outputGradientNorms(Gradients gradients, Unrolled<?> unrolled) {
        return gradientNorms(gradients, unrolled.outputs());
    }

    /**
     * {@code ‖∂L/∂s_t‖_F} of part {@code part} of the state after every step, e.g. part 1 of an LSTM state is the cell
     * {@code c_t}, whose gradient shows the additive path of docs/theory.md §2.
     */
    public static double[] stateGradientNorms(Gradients gradients, Unrolled<?> unrolled, int part) {
        return gradientNorms(gradients, unrolled.states().stream().map(s -> {
            if (part < 0 || part >= s.parts().size()) {
                throw new IllegalArgumentException("state gradient norms: part " + part + " of a state with " + s.parts().size() + " parts");
            }
            return s.parts().get(part);
        }).toList());
    }

    /**
     * The Frobenius norm of the gradient of each value; a value that needs no gradient (a constant, or a step run
     * under {@code noGrad}, e.g. outside the window of truncated BPTT) receives none and counts as 0.
     *
     * @param gradients the gradients of a loss recorded on the values' tape
     */
    public static double[] gradientNorms(Gradients gradients, List<Var> values) {
        double[] norms = new double[values.size()];
        for (int t = 0; t < norms.length; t++) {
            Var v = values.get(t);
            norms[t] = v.requiresGrad() ? Matrices.frobenius(gradients.of(v)) : 0.0;
        }
        return norms;
    }
}
