package org.tapegrad.examples.adding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The generated adding-problem data is the documented variant. */
class AddingProblemTest {

    @Test
    void twoMarkersOneInEachHalfAndTheTargetIsTheirSum() {
        int length = 37;
        AddingProblem.Batch b = AddingProblem.generate(200, length, new Random(1));
        assertEquals(length, b.length());
        for (int i = 0; i < b.size(); i++) {
            int markers = 0;
            double sum = 0;
            int firstHalf = 0;
            for (int t = 0; t < length; t++) {
                double[] x = b.inputs().get(t)[i];
                assertTrue(x[0] >= 0 && x[0] < 1, "value in [0, 1)");
                assertTrue(x[1] == 0 || x[1] == 1, "marker is 0 or 1");
                if (x[1] == 1) {
                    markers++;
                    sum += x[0];
                    if (t < length / 2) {
                        firstHalf++;
                    }
                }
            }
            assertEquals(2, markers);
            assertEquals(1, firstHalf, "one marker in the first half");
            assertEquals(sum, b.targets()[i][0], 0.0);
        }
    }

    @Test
    void answeringOneCostsAboutOneSixth() {
        // Var(U1 + U2) = 1/6; over 20 000 samples the standard error of the mean squared error is about 0.0014.
        AddingProblem.Batch b = AddingProblem.generate(20_000, 4, new Random(2));
        assertEquals(AddingProblem.BASELINE_MSE, b.baselineMse(), 0.006);
    }

    @Test
    void rejectsImpossibleSizes() {
        assertThrows(IllegalArgumentException.class, () -> AddingProblem.generate(1, 1, new Random()));
        assertThrows(IllegalArgumentException.class, () -> AddingProblem.generate(0, 10, new Random()));
    }
}
