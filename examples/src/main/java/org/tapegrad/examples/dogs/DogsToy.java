package org.tapegrad.examples.dogs;

import java.util.ArrayList;
import java.util.List;

import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * The toy RNN of docs/theory.md §4: vocabulary {d, o, g, s} one-hot, three sigmoid hidden units, no biases, h₀ = 0, softmax
 * outputs, trained to predict the next character of "dogs" (inputs d, o, g; targets o, g, s).
 *
 * <p>docs/theory.md writes it in the column convention, {@code h_t = σ(W_hh h_{t−1} + W_xh x_t)}, {@code ŷ_t = softmax(W_hy h_t)}.
 * The tape works with row vectors, so each step is recorded as {@code h_t = σ(x_t·W_xhᵀ + h_{t−1}·W_hhᵀ)} with the
 * transposed product {@link Var#matmulBT}: the parameters hold the matrices exactly as printed in docs/theory.md,
 * and their gradients come out in the same orientation.
 */
public final class DogsToy {

    /** The vocabulary, in one-hot order. */
    public static final String VOCABULARY = "dogs";
    /** The training word: the inputs are its first three characters, the targets its last three. */
    public static final String WORD = "dogs";

    /** docs/theory.md §4, 3×3. */
    public static final double[][] W_HH = {{0.1, 0.5, 0.1}, {0.5, 0.9, 0.3}, {0.3, 0.2, 0.1}};
    /** docs/theory.md §4, 3×4 (hidden × vocabulary). */
    public static final double[][] W_XH = {{0.6, 0.8, 0.4, 0.8}, {0.2, 0.2, 0.8, 0.7}, {0.9, 0.8, 0.1, 0.2}};
    /** docs/theory.md §4, 4×3 (vocabulary × hidden). */
    public static final double[][] W_HY = {{0.9, 0.8, 0.3}, {0.2, 0.3, 0.4}, {0.6, 0.9, 0.1}, {0.5, 0.0, 0.3}};

    private final Parameter whh = Parameter.of("W_hh", W_HH);
    private final Parameter wxh = Parameter.of("W_xh", W_XH);
    private final Parameter why = Parameter.of("W_hy", W_HY);

    /** One time step: the character read, the character to predict, {@code h_t} (3), {@code ŷ_t} (4), {@code L_t}. */
    public record Step(char input, char target, double[] hidden, double[] prediction, double loss) {
    }

    /** The forward pass over the word on a tape. */
    public record Forward(List<Step> steps, Var totalLoss) {
    }

    /** The three weight matrices, as docs/theory.md names them. */
    public List<Parameter> parameters() {
        return List.of(whh, wxh, why);
    }

    public Parameter whh() {
        return whh;
    }

    public Parameter wxh() {
        return wxh;
    }

    public Parameter why() {
        return why;
    }

    /** Records the unrolled forward pass on {@code tape}; {@code totalLoss} is {@code Σ_t −log ŷ_t[target_t]}, 1×1. */
    public Forward forward(Tape tape) {
        int hidden = W_HH.length;
        Var h = tape.filled(1, hidden, 0.0);
        Var total = null;
        List<Step> steps = new ArrayList<>();
        for (int t = 0; t + 1 < WORD.length(); t++) {
            char in = WORD.charAt(t);
            char target = WORD.charAt(t + 1);
            Var x = tape.row(oneHot(in));
            h = x.matmulBT(tape.param(wxh)).plus(h.matmulBT(tape.param(whh))).sigmoid();
            Var logits = h.matmulBT(tape.param(why));
            Var lossT = logits.crossEntropy(VOCABULARY.indexOf(target));
            double[] prediction;
            try (NoGrad ignored = tape.noGrad()) {
                prediction = logits.softmax().toArray()[0];
            }
            steps.add(new Step(in, target, h.toArray()[0], prediction, lossT.item()));
            total = total == null ? lossT : total.plus(lossT);
        }
        return new Forward(steps, total);
    }

    /**
     * Runs the forward pass and BPTT on a fresh tape; afterwards each parameter's {@link Parameter#grad()} holds
     * {@code ∂L/∂W} (gradients are zeroed first).
     */
    public List<Step> forwardBackward() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
        Tape tape = new Tape();
        Forward f = forward(tape);
        tape.backward(f.totalLoss());
        tape.reset();
        return f.steps();
    }

    /** Plain SGD, {@code W ← W − lr·∂L/∂W}, on all three matrices, using their current gradients. */
    public void sgdStep(double learningRate) {
        for (Parameter p : parameters()) {
            p.update((w, g) -> {
                for (int i = 0; i < w.length; i++) {
                    w[i] -= learningRate * g[i];
                }
            });
        }
    }

    /** The one-hot row of a vocabulary character. */
    public static double[] oneHot(char c) {
        int k = VOCABULARY.indexOf(c);
        if (k < 0) {
            throw new IllegalArgumentException("'" + c + "' is not in the vocabulary " + VOCABULARY);
        }
        double[] v = new double[VOCABULARY.length()];
        v[k] = 1;
        return v;
    }
}
