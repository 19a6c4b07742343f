package org.tapegrad.check;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.check.property.GradientProperties;
import org.tapegrad.check.property.Sizes;
import org.tapegrad.check.property.Subject;
import org.tapegrad.tape.Parameter;

/** The property API for a user's own functions: passes on a correct one, shrinks the sizes of a broken one. */
class GradientPropertiesTest {

    static Parameter random(String name, int rows, int cols, Random r) {
        double[][] v = new double[rows][cols];
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = 2 * r.nextDouble() - 1;
            }
        }
        return Parameter.of(name, v);
    }

    /** {@code tanh(x·W)}, over random batch, input and hidden sizes. */
    static Subject layer(Sizes s) {
        Random r = new Random(s.seed());
        Parameter x = random("x", s.batch(), s.inputs(), r);
        Parameter w = random("W", s.inputs(), s.hidden(), r);
        return Subject.of(t -> t.param(x).matmul(t.param(w)).tanh(), x, w);
    }

    @Test
    void aCorrectFunctionPasses() {
        GradientProperties.forSubjects(GradientPropertiesTest::layer).batch(1, 4).inputs(1, 5).hidden(1, 5).examples(40).check();
    }

    @Test
    void aBrokenFunctionIsShrunkToTheSizesThatBreakIt() {
        // "Forgets" the gradient's dependence on W beyond the first hidden unit: detaching a slice is wrong only when
        // there is a second hidden unit, so the smallest failing case has hidden = 2 and everything else at 1.
        AssertionError e = assertThrows(AssertionError.class, () -> GradientProperties.forSubjects(s -> {
            Random r = new Random(s.seed());
            Parameter x = random("x", s.batch(), s.inputs(), r);
            Parameter w = random("W", s.inputs(), s.hidden(), r);
            return Subject.of(t -> {
                org.tapegrad.tape.Var y = t.param(x).matmul(t.param(w));
                return s.hidden() < 2 ? y : org.tapegrad.tape.Ops.concatColumns(y.columns(0, 1), y.columns(1, s.hidden()).detach());
            }, x, w);
        }).batch(1, 4).inputs(1, 4).hidden(1, 4).examples(40).seed(7).check());
        assertTrue(e.getMessage().contains("batch=1, steps=1, inputs=1, hidden=2"), e.getMessage());
        assertTrue(e.getMessage().contains("Replay with -DQT_SEED=7"), e.getMessage());
    }
}
