package org.tapegrad.layers.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.ojalgo.matrix.store.R064Store;
import org.ojalgo.matrix.store.RawStore;
import org.tapegrad.tape.Parameter;

/** ojAlgo's SVD operator norm against power iteration on {@code AᵀA}, written out in the test. */
class SpectralNormProperties {

    @Property(tries = 100)
    void spectralNormMatchesPowerIteration(@ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 6) int cols,
            @ForAll @LongRange(min = 0, max = 10_000) long seed) {
        Random random = new Random(seed);
        double[][] a = Dense.gaussian(rows, cols, 1, random);
        double expected = Dense.powerIteration(a, 5000, random);
        assertEquals(expected, SpectralNorm.of(R064Store.FACTORY.copy(RawStore.wrap(a))), 1e-8 * Math.max(1, expected));
        assertEquals(expected, SpectralNorm.of(Parameter.of("w", a)), 1e-8 * Math.max(1, expected));
    }

    @Property(tries = 20)
    void spectralNormOfADiagonalIsItsLargestAbsoluteEntry(@ForAll @IntRange(min = 1, max = 6) int n, @ForAll @LongRange(min = 0, max = 10_000) long seed) {
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
