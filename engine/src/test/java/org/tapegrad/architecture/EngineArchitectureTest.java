package org.tapegrad.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages point one way: {@code kernel} ← {@code op} ← {@code tape} ← {@code fuse}, {@code check}. A cycle, or an
 * arrow pointing up, fails the build.
 */
class EngineArchitectureTest {

    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.tapegrad");
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.tapegrad.(**)").should().beFreeOfCycles().check(engine);
    }

    @Test
    void kernelsDependOnNothingOfOurs() {
        noClasses().that().resideInAPackage("org.tapegrad.kernel..")
                .should().dependOnClassesThat().resideInAnyPackage("org.tapegrad.op..", "org.tapegrad.tape..", "org.tapegrad.check..")
                .check(engine);
    }

    @Test
    void opsKnowNoTape() {
        noClasses().that().resideInAPackage("org.tapegrad.op..")
                .should().dependOnClassesThat().resideInAnyPackage("org.tapegrad.tape..", "org.tapegrad.check..")
                .check(engine);
    }

    @Test
    void fusionSitsOnTopOfTheTape() {
        noClasses().that().resideInAnyPackage("org.tapegrad.kernel..", "org.tapegrad.op..", "org.tapegrad.tape..")
                .should().dependOnClassesThat().resideInAPackage("org.tapegrad.fuse..")
                .because("fusion rewrites what the tape records; the tape offers only a listener hook")
                .check(engine);
    }

    @Test
    void theTapeKnowsNoChecker() {
        noClasses().that().resideInAPackage("org.tapegrad.tape..")
                .should().dependOnClassesThat().resideInAPackage("org.tapegrad.check..")
                .check(engine);
    }

    @Test
    void onlyThePropertyApiUsesQuickTheories() {
        noClasses().that().resideOutsideOfPackage("org.tapegrad.check.property..")
                .should().dependOnClassesThat().resideInAPackage("org.quicktheories..")
                .because("QuickTheories is an optional dependency: nothing else may need it at run time")
                .check(engine);
    }
}
