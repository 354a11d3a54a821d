package dev.patchbay.console;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's own rules (the project-wide ones are in dev.patchbay.ArchitectureTest). */
class ConsoleArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.patchbay.console", "dev.patchbay.cache");
    }

    /** MVVM: a view model holds state as properties and never touches a control, so it is tested without a stage. */
    @Test
    void viewModelsNeverTouchControls() {
        noClasses().that().haveSimpleNameEndingWith("ViewModel")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..")
                .check(classes);
    }

    /** Server data is read through the cache and the client, never straight from a database. */
    @Test
    void consoleReadsThroughTheCache() {
        noClasses().that().resideInAPackage("dev.patchbay.console..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.h2..", "okhttp3..")
                .check(classes);
    }

    /** The cache is plain Java: usable from the CLI or a test without JavaFX. */
    @Test
    void cacheKnowsNoJavaFx() {
        noClasses().that().resideInAPackage("dev.patchbay.cache..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "dev.patchbay.client..")
                .check(classes);
    }
}
