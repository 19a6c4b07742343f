package org.tapegrad.examples.music;

import java.util.List;

/**
 * The trivial model of polyphonic music: every pitch sounds independently of the others and of time, with its own
 * probability fitted on the training split. It is the floor a recurrent model has to beat.
 *
 * <p>Probabilities use add-one (Laplace) smoothing, {@code p = (count + 1) / (steps + 2)}, so a key never played in
 * training still gets a finite cost. On JSB Chorales this gives 11.06 nats per time step on the test split, the figure
 * quoted in {@code shared/data/README.md}.
 */
public final class BernoulliBaseline {

    private final double[] p;

    private BernoulliBaseline(double[] p) {
        this.p = p;
    }

    /** Fits one probability per pitch on {@code train} (sequences of {@code T×88} rolls). */
    public static BernoulliBaseline fit(List<double[][]> train) {
        double[] count = new double[PianoRolls.PITCHES];
        long steps = 0;
        for (double[][] seq : train) {
            for (double[] step : seq) {
                for (int k = 0; k < count.length; k++) {
                    count[k] += step[k];
                }
                steps++;
            }
        }
        double[] p = new double[count.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = (count[k] + 1) / (steps + 2.0);
        }
        return new BernoulliBaseline(p);
    }

    /** Probability that pitch {@code k} (0 = MIDI 21) sounds. */
    public double probability(int k) {
        return p[k];
    }

    /** Average negative log-likelihood per time step, in nats, summed over the 88 pitches. */
    public double nllPerStep(List<double[][]> split) {
        double total = 0;
        long steps = 0;
        for (double[][] seq : split) {
            for (double[] step : seq) {
                for (int k = 0; k < p.length; k++) {
                    total -= step[k] > 0.5 ? Math.log(p[k]) : Math.log1p(-p[k]);
                }
                steps++;
            }
        }
        return total / steps;
    }
}
