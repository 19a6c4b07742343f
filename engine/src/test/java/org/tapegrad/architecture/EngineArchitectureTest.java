package org.tapegrad.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages point one way: {@code kernel} ← {@code op} ← {@code tape} ← {@code fuse}, {@code check}. A cycle, or an
 * arrow pointing up, fails the build; so does vector code in a shape other than the preferred one.
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

    /**
     * Vector code takes each element type in the preferred shape only ({@code SPECIES_PREFERRED} and species derived
     * from it by lanes): a second vector class of an element type (a 256-bit {@code FloatVector} beside the 512-bit
     * one) reaches C2 through the Vector API's shared call sites as a second receiver type, and C2 then left the float
     * GEMM's tile write-back out of line, boxed — 140 MB and twice the time per float32 LSTM call.
     */
    @Test
    void vectorCodeUsesThePreferredShapeOnly() {
        DescribedPredicate<JavaAccess<?>> otherShape = new DescribedPredicate<>("a vector species or shape other than the preferred") {
            @Override
            public boolean test(JavaAccess<?> access) {
                String owner = access.getTargetOwner().getName();
                String name = access.getName();
                return owner.startsWith("jdk.incubator.vector.")
                        && (name.matches("SPECIES_(64|128|256|512|MAX)") || owner.equals("jdk.incubator.vector.VectorShape")
                        || (owner.equals("jdk.incubator.vector.VectorSpecies") && (name.equals("of") || name.equals("withShape"))));
            }
        };
        noClasses().should().accessTargetWhere(otherShape).check(engine);
    }
}
