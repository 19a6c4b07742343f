package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** A pass hands intermediates' gradients back to the pool once used; retainGrad() keeps one; the account shows it. */
class GradientReleaseTest {

    private static final int BATCH = 3;
    private static final int HIDDEN = 4;

    /** {@code h ← tanh(h·W + x)} over {@code steps} steps and {@code L = Σ h_T}: three B×H values per step. */
    private static List<Var> unroll(Tape tape, Parameter w, int steps, long seed) {
        Random random = new Random(seed);
        List<Var> hs = new ArrayList<>();
        Var h = tape.filled(BATCH, HIDDEN, 0.0);
        for (int t = 0; t < steps; t++) {
            double[][] x = new double[BATCH][HIDDEN];
            for (double[] row : x) {
                for (int j = 0; j < HIDDEN; j++) {
                    row[j] = random.nextGaussian();
                }
            }
            h = h.matmul(tape.param(w)).plus(tape.constant(x)).tanh();
            hs.add(h);
        }
        return hs;
    }

    private static Parameter weights() {
        Random random = new Random(3);
        double[][] w = new double[HIDDEN][HIDDEN];
        for (double[] row : w) {
            for (int j = 0; j < HIDDEN; j++) {
                row[j] = 0.5 * random.nextGaussian();
            }
        }
        return Parameter.of("w", w);
    }

    @Test
    void aReleasedGradientSaysSoAndRetainGradKeepsIt() {
        Tape tape = new Tape();
        Parameter w = weights();
        List<Var> hs = unroll(tape, w, 4, 1);
        hs.get(1).retainGrad();
        Gradients g = tape.gradients(hs.get(3).sum(), null);
        assertTrue(g.reached(hs.get(2)), "released, but it was reached");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.of(hs.get(2)));
        assertTrue(e.getMessage().contains("retainGrad()"), e.getMessage());
        assertTrue(g.reached(hs.get(1)));
        assertTrue(Math.abs(g.of(hs.get(1)).doubleValue(0, 0)) > 0, "the retained gradient is readable and not zero");
        assertTrue(hs.get(1).retainsGrad());
    }

    @Test
    void releasingChangesNoGradientBitForBit() {
        Parameter w = weights();
        Tape released = new Tape();
        Var lossReleased = unroll(released, w, 12, 5).get(11).sum();
        Tape retained = new Tape();
        List<Var> hs = unroll(retained, w, 12, 5);
        hs.forEach(Var::retainGrad);
        Var lossRetained = hs.get(11).sum();
        Gradients a = released.gradients(lossReleased, null);
        Gradients b = retained.gradients(lossRetained, null);
        assertArrayEquals(Layout.toRowMajorFlat(b.of(w)), Layout.toRowMajorFlat(a.of(w)));
        // And a second pass on the same recording, which reuses the released buffers, repeats it bit for bit.
        assertArrayEquals(Layout.toRowMajorFlat(a.of(w)), Layout.toRowMajorFlat(released.gradients(lossReleased, null).of(w)));
    }

    /**
     * Forward holds three values per step; with release the pass adds a constant number of gradients whatever the
     * length, with every gradient retained it adds three per step (what every pass held before release).
     */
    @Test
    void thePeakGrowsByTheForwardValuesOnlyPerStep() {
        Parameter w = weights();
        long stepValues = 3L * BATCH * HIDDEN * Double.BYTES;
        long[] extraReleased = new long[2];
        long[] extraRetained = new long[2];
        int[] lengths = {10, 20};
        for (int k = 0; k < 2; k++) {
            for (boolean retain : new boolean[] {false, true}) {
                Tape tape = new Tape();
                List<Var> hs = unroll(tape, w, lengths[k], 2);
                tape.setRetainGradients(retain);
                Var loss = hs.get(hs.size() - 1).sum();
                long afterForward = tape.bytesHeld();
                tape.backward(loss);
                (retain ? extraRetained : extraReleased)[k] = tape.peakBytesHeld() - afterForward;
                if (!retain) {
                    assertEquals(afterForward, tape.bytesHeld(), "every intermediate's gradient went back to the pool");
                }
                tape.reset();
                assertEquals(0, tape.bytesHeld());
                assertEquals(0, tape.peakBytesHeld(), "the peak restarts with the recording");
            }
        }
        assertEquals(extraReleased[0], extraReleased[1], "the pass's own memory does not grow with T");
        // Retained: the gradient of every intermediate, as large as the values, 3 B×H per step.
        assertEquals(10 * stepValues, extraRetained[1] - extraRetained[0]);
        assertTrue(extraReleased[0] < 2 * stepValues, "released: a few buffers, " + extraReleased[0] + " bytes");
    }
}
