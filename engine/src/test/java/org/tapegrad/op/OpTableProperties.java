package org.tapegrad.op;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.tapegrad.check.property.OpProperties;
import org.tapegrad.check.property.OpSpec;
import org.tapegrad.check.property.OpTable;
import org.tapegrad.check.property.TangentProperties;

/**
 * Every row of the op table: the tape's VJP matches central finite differences (one property, many rows), and so does
 * its tangent rule, which is also the VJP's transpose.
 */
class OpTableProperties {

    private static final int EXAMPLES = 60;
    private static final int TANGENT_EXAMPLES = 25;

    @TestFactory
    Stream<DynamicTest> everyOpMatchesFiniteDifferences() {
        List<OpSpec> rows = OpTable.builtIn();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.name(),
                () -> OpProperties.gradientsMatchFiniteDifferences(row, 1000 + rows.indexOf(row), EXAMPLES)));
    }

    @TestFactory
    Stream<DynamicTest> everyTangentRuleMatchesFiniteDifferences() {
        List<OpSpec> rows = OpTable.builtIn();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.name(),
                () -> TangentProperties.tangentsMatchFiniteDifferences(row, 2000 + rows.indexOf(row), TANGENT_EXAMPLES)));
    }

    @TestFactory
    Stream<DynamicTest> everyTangentRuleIsTheTransposeOfItsVjp() {
        List<OpSpec> rows = OpTable.builtIn();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.name(),
                () -> TangentProperties.tangentsAreAdjointToGradients(row, 3000 + rows.indexOf(row), TANGENT_EXAMPLES)));
    }
}
