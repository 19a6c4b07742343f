package org.tapegrad.check;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapegrad.check.property.OpProperties;
import org.tapegrad.check.property.OpSpec;
import org.tapegrad.check.property.TapegradGenerators;
import org.tapegrad.op.Op;
import org.tapegrad.op.OpContext;
import org.tapegrad.op.Shape;

/**
 * A planted wrong VJP, caught by the op-table property and shrunk to its smallest form: the report must show the
 * minimal shape that exposes the bug and the seed that replays it.
 */
class PlantedBugProperties {

    /**
     * {@code y = x ⊙ x} with a layout bug in its VJP: it reads {@code x} and {@code ȳ} at the row-major index
     * {@code i·n + j} of column-major arrays. For one row or one column both orders agree, so only a case with at
     * least 2×2 elements (and unequal off-diagonal values) can expose it.
     */
    static final class RowMajorSquare implements Op<Void> {
        @Override
        public String name() {
            return "square (row-major VJP bug)";
        }

        @Override
        public Shape outputShape(Shape... in) {
            return in[0];
        }

        @Override
        public Void forward(OpContext ctx) {
            double[] x = ctx.input(0).data;
            double[] y = ctx.output().data;
            for (int i = 0; i < x.length; i++) {
                y[i] = x[i] * x[i];
            }
            return null;
        }

        @Override
        public void backward(OpContext ctx, Void saved) {
            int m = ctx.input(0).getRowDim();
            int n = ctx.input(0).getColDim();
            double[] x = ctx.input(0).data;
            double[] g = ctx.outputGrad().data;
            double[] dx = ctx.inputGrad(0).data;
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    dx[i + j * m] += 2 * x[i * n + j] * g[i * n + j];
                }
            }
        }
    }

    static final OpSpec PLANTED = OpSpec.of("planted square", OpSpec.same(1), List.of(TapegradGenerators.values(2)),
            (x, c) -> x[0].tape().apply(new RowMajorSquare(), x[0]));

    @Test
    void aWrongVjpIsCaughtAndShrunkToTheSmallestShapeThatShowsIt() {
        AssertionError e = assertThrows(AssertionError.class, () -> OpProperties.gradientsMatchFiniteDifferences(PLANTED, 4242, 200));
        String report = e.getMessage();
        assertTrue(report.contains("planted square on [2×2]"), report);
        assertTrue(report.contains("4242"), "the report names the seed to replay: " + report);
        assertTrue(report.contains("gradient check FAILED"), report);
    }
}
