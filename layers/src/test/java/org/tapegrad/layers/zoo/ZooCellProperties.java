package org.tapegrad.layers.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.tapegrad.layers.check.CellProperties;

/** Every zoo cell, and every Greff variant of the peephole LSTM: BPTT gradients against finite differences, padded batches. */
class ZooCellProperties {

    private static final int EXAMPLES = 20;

    @TestFactory
    Stream<DynamicTest> everyGreffVariantOfThePeepholeLstm() {
        return Arrays.stream(PeepholeLstm.Variant.values()).map(v -> DynamicTest.dynamicTest(v.name(), () -> CellProperties
                .forCell(z -> new PeepholeLstm("lstm", z.inputs(), z.hidden(), v, new Random(z.seed()))).examples(EXAMPLES).check()));
    }

    @Test
    void minimalGatedUnit() {
        CellProperties.forCell(z -> new MinimalGatedUnit("mgu", z.inputs(), z.hidden(), new Random(z.seed()))).examples(EXAMPLES).check();
    }

    /** relu's kink: a case would fail only if a pre-activation came within the difference step (1e-6) of 0. */
    @Test
    void indRnn() {
        CellProperties.forCell(z -> new IndRnn("ind", z.inputs(), z.hidden(), new Random(z.seed()))).examples(EXAMPLES).check();
    }

    /** Both shapes of the skip connection: I = H (identity) and I ≠ H (projection). */
    @Test
    void sru() {
        CellProperties.forCell(z -> new Sru("sru", z.inputs(), z.hidden(), new Random(z.seed()))).examples(EXAMPLES).check();
        CellProperties.forCell(z -> new Sru("sru", z.inputs(), z.hidden(), new Random(z.seed()))).inputs(2, 2).hidden(2, 2).examples(10).check();
    }

    @Test
    void mogrifierLstm() {
        CellProperties.forCell(z -> new MogrifierLstm("mog", z.inputs(), z.hidden(), 4, new Random(z.seed()))).examples(EXAMPLES).check();
    }

    @Test
    void layerNormLstm() {
        CellProperties.forCell(z -> new LayerNormLstm("lnlstm", z.inputs(), z.hidden(), new Random(z.seed()))).examples(EXAMPLES).check();
    }

    /** The variants drop what Greff et al. drop: parameter counts for I = 3, H = 2. */
    @Test
    void variantsHaveTheParametersOfTheirDefinition() {
        int i = 3, h = 2;
        int full = (i + h + 1) * 4 * h;
        assertEquals(full + 3 * h, count(PeepholeLstm.Variant.V));
        assertEquals(full, count(PeepholeLstm.Variant.NP));
        assertEquals(full * 3 / 4 + 2 * h, count(PeepholeLstm.Variant.NIG));
        assertEquals(full * 3 / 4 + 2 * h, count(PeepholeLstm.Variant.CIFG));
        assertEquals(full + 3 * h + 9 * h * h, count(PeepholeLstm.Variant.FGR));
    }

    private static int count(PeepholeLstm.Variant v) {
        return new PeepholeLstm("p", 3, 2, v, new Random(1)).parameters().stream().mapToInt(p -> p.size()).sum();
    }
}
