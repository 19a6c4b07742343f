package org.tapegrad.op;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.tapegrad.check.property.OpProperties;
import org.tapegrad.check.property.OpSpec;
import org.tapegrad.check.property.OpTable;

/** Every row of the op table: the tape's VJP matches central finite differences (one property, many rows). */
class OpTableProperties {

    private static final int EXAMPLES = 60;

    @TestFactory
    Stream<DynamicTest> everyOpMatchesFiniteDifferences() {
        List<OpSpec> rows = OpTable.builtIn();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.name(),
                () -> OpProperties.gradientsMatchFiniteDifferences(row, 1000 + rows.indexOf(row), EXAMPLES)));
    }
}
