package org.tapegrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecurrentShapeTest {

    @Test
    void readsBatchStepsInputAndHiddenInThatOrder() {
        assertEquals(new RecurrentShape(64, 50, 128, 512), RecurrentShape.parse("B64_T50_I128_H512"));
    }

    @Test
    void aMalformedShapeNamesItselfAndTheExpectedForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RecurrentShape.parse("B64,T50"));
        assertTrue(e.getMessage().contains("'B64,T50'") && e.getMessage().contains("B<batch>_T<steps>_I<input>_H<hidden>"), e.getMessage());
    }
}
