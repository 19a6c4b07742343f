package org.tapegrad.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapegrad.check.GradientCheck;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

class LinearEmbeddingTest {

    @Test
    void linearIsXTimesWPlusB() {
        Linear layer = new Linear("lin", 2, 3, true, new Random(1));
        Tape tape = new Tape();
        double[][] y = layer.apply(tape.constant(new double[][] {{1, 2}})).toArray();
        for (int j = 0; j < 3; j++) {
            double expected = layer.w().value().get(0, j) + 2 * layer.w().value().get(1, j) + layer.b().value().get(0, j);
            assertEquals(expected, y[0][j], 1e-15);
        }
        assertEquals(1, new Linear("nobias", 2, 3, false, new Random(1)).parameters().size());
        assertThrows(IllegalStateException.class, () -> new Linear("nobias", 2, 3, false, new Random(1)).b());
        assertThrows(IllegalArgumentException.class, () -> layer.apply(tape.filled(1, 3, 0)));
    }

    @Test
    void embeddingOverALinearHeadHasCorrectGradients() {
        Random r = new Random(3);
        Embedding embedding = new Embedding("emb", 5, 3, r);
        Linear head = new Linear("head", 3, 4, true, r);
        int[] ids = {4, 1, 4, 0};
        java.util.List<org.tapegrad.tape.Parameter> params = new java.util.ArrayList<>(embedding.parameters());
        params.addAll(head.parameters());
        GradientCheck.of(tape -> head.apply(embedding.lookup(tape, ids).tanh()).crossEntropy(0, 1, 2, 3).sum(), params).assertPasses();
    }

    @Test
    void embeddingLooksUpRowsAndSumsRepeatedGradients() {
        Embedding embedding = new Embedding("emb", 4, 2, new Random(1));
        Tape tape = new Tape();
        Var rows = embedding.lookup(tape, 3, 3, 0);
        assertArrayEquals(new double[] {embedding.table().value().get(3, 0), embedding.table().value().get(3, 1)}, rows.toArray()[0]);
        tape.backward(rows.sum());
        assertEquals(2.0, embedding.table().grad().get(3, 1));
        assertEquals(0.0, embedding.table().grad().get(2, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> embedding.lookup(tape, 4));
        assertTrue(e.getMessage().contains("token id 4 at position 0 is outside 0..3"), e.getMessage());
    }
}
