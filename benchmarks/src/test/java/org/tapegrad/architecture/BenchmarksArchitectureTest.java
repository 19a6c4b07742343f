package org.tapegrad.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** No package cycle in the benchmarks (which may use the kernels and raw arrays: the hand-fused reference does). */
class BenchmarksArchitectureTest {

    @Test
    void noPackageCycles() {
        slices().matching("org.tapegrad.(**)").should().beFreeOfCycles()
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.tapegrad.bench"));
    }
}
