package org.tapegrad.op;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.tapegrad.check.property.OpProperties;
import org.tapegrad.check.property.OpSpec;
import org.tapegrad.check.property.OpTable;

/** Every row of the op table in float32: output and gradients match the float64 tape's on the same inputs. */
class Float32OpTableProperties {

    private static final int EXAMPLES = 30;
    private static final double TOLERANCE = 1e-4;

    @TestFactory
    Stream<DynamicTest> everyOpAgreesWithFloat64() {
        List<OpSpec> rows = OpTable.builtIn();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.name(),
                () -> OpProperties.float32MatchesFloat64(row, 3000 + rows.indexOf(row), EXAMPLES, TOLERANCE)));
    }
}
