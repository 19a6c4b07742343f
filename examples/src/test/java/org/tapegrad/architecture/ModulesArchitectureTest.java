package org.tapegrad.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules across modules, checked here where engine, layers and examples are all on the class path: no package
 * cycle anywhere, and outside the engine neither the engine's kernels nor the raw arrays of ojAlgo stores are used —
 * the engine owns the storage layout (a float32 path changes it in one place).
 */
class ModulesArchitectureTest {

    private static final String[] OUTSIDE_THE_ENGINE = {"org.tapegrad.layers..", "org.tapegrad.examples.."};

    /** Reading or writing the public {@code data} array of an ojAlgo store ({@code ArrayR064} and its subclasses). */
    private static final DescribedPredicate<JavaFieldAccess> RAW_STORE_ARRAY = DescribedPredicate.describe(
            "the raw data array of an ojAlgo store",
            access -> access.getTarget().getName().equals("data") && access.getTarget().getOwner().isAssignableTo("org.ojalgo.array.ArrayR064"));

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.tapegrad");
    }

    @Test
    void noPackageCyclesInEngineLayersOrExamples() {
        slices().matching("org.tapegrad.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void layersAndExamplesNeverImportTheKernels() {
        noClasses().that().resideInAnyPackage(OUTSIDE_THE_ENGINE).should().dependOnClassesThat().resideInAPackage("org.tapegrad.kernel..")
                .because("kernels are the engine's business; a tape is given them as a Kernels value").check(classes);
    }

    @Test
    void nothingOutsideTheEngineTouchesStoreInternals() {
        noClasses().that().resideInAnyPackage(OUTSIDE_THE_ENGINE).should().accessFieldWhere(RAW_STORE_ARRAY)
                .because("use Parameter.update/assign, Layout or MatrixStore's methods").check(classes);
    }

    @Test
    void layersKnowNothingOfTheExamples() {
        noClasses().that().resideInAPackage("org.tapegrad.layers..").should().dependOnClassesThat().resideInAPackage("org.tapegrad.examples..")
                .check(classes);
    }
}
