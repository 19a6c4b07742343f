package org.tapegrad.layers.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.tapegrad.layers.Theories.qt;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;
import org.ojalgo.matrix.store.RawStore;
import org.tapegrad.tape.Parameter;

/** ojAlgo's SVD operator norm against power iteration on {@code AᵀA}, written out in the test. */
class SpectralNormProperties {

    @Test
    void spectralNormMatchesPowerIteration() {
        qt(100).forAll(integers().between(1, 6), integers().between(1, 6), longs().between(0, 10_000))
                .checkAssert(SpectralNormProperties::spectralNormMatchesPowerIteration);
    }

    static void spectralNormMatchesPowerIteration(int rows, int cols, long seed) {
        Random random = new Random(seed);
        double[][] a = Dense.gaussian(rows, cols, 1, random);
        double expected = Dense.powerIteration(a, 5000, random);
        assertEquals(expected, SpectralNorm.of(R064Store.FACTORY.copy(RawStore.wrap(a))), 1e-8 * Math.max(1, expected));
        assertEquals(expected, SpectralNorm.of(Parameter.of("w", a)), 1e-8 * Math.max(1, expected));
    }

    @Test
    void spectralNormOfADiagonalIsItsLargestAbsoluteEntry() {
        qt(20).forAll(integers().between(1, 6), longs().between(0, 10_000))
                .checkAssert(SpectralNormProperties::spectralNormOfADiagonalIsItsLargestAbsoluteEntry);
    }

    static void spectralNormOfADiagonalIsItsLargestAbsoluteEntry(int n, long seed) {
        Random random = new Random(seed);
        double[][] d = new double[n][n];
        double largest = 0;
        for (int i = 0; i < n; i++) {
            d[i][i] = 3 * random.nextGaussian();
            largest = Math.max(largest, Math.abs(d[i][i]));
        }
        assertEquals(largest, SpectralNorm.of(Parameter.of("d", d)), 1e-12 * Math.max(1, largest));
    }
}
