package org.tapegrad.layers.cell;

import static org.tapegrad.layers.Theories.qt;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tapegrad.check.property.PrecisionComparison;
import org.tapegrad.check.property.Subject;
import org.tapegrad.layers.SequenceModel;
import org.tapegrad.layers.SequenceModel.Kind;
import org.tapegrad.layers.cell.CellGradientProperties.Sizes;

/**
 * Every cell, the stack and the bidirectional runner in float32: the loss (cross-entropy on a linear head at every
 * step, padded lengths for the stack and the bidirectional one) and the gradient of every parameter match the
 * float64 tape's on the same weights and inputs within 1e-4 relative. The float64 tape is itself checked against
 * central differences ({@link CellGradientProperties}); central differences in float would be too noisy.
 */
class Float32CellProperties {

    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void float32AgreesWithFloat64(Kind kind) {
        boolean variableLengths = kind == Kind.STACKED || kind == Kind.BIDIRECTIONAL;
        qt(12).forAll(CellGradientProperties.SIZES).checkAssert(z -> {
            String failure = PrecisionComparison.float32AgainstFloat64(subject(kind, z, variableLengths), z.seed(), TOLERANCE);
            if (failure != null) {
                throw new AssertionError(kind + " " + z + ": " + failure);
            }
        });
    }

    /** A custom cell through the public property: its parameters and inputs, padded lengths. */
    @org.junit.jupiter.api.Test
    void customCellThroughCellProperties() {
        org.tapegrad.layers.check.CellProperties.forCell(z -> new org.tapegrad.layers.zoo.MinimalGatedUnit("mgu", z.inputs(), z.hidden(), new Random(z.seed())))
                .examples(10).checkFloat32(TOLERANCE);
    }

    private static Subject subject(Kind kind, Sizes z, boolean variableLengths) {
        SequenceModel model = SequenceModel.of(kind, z.input(), z.hidden(), z.seed());
        Random r = new Random(z.seed() + 1);
        double[][][] xs = SequenceModel.randomSteps(r, z.steps(), z.batch(), z.input(), 1.0);
        int[] lengths = variableLengths ? CellGradientProperties.randomLengths(r, z.batch(), z.steps()) : null;
        int[][] targets = SequenceModel.randomTargets(r, z.steps(), z.batch(), lengths);
        return new Subject(tape -> model.loss(tape, xs, targets, lengths), model.parameters());
    }
}
