package dev.patchbay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency direction of docs/architecture.md, enforced on the compiled main classes. */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.patchbay");
    }

    private static String[] ours(String... packages) {
        String[] out = new String[packages.length];
        for (int i = 0; i < packages.length; i++) {
            out[i] = "dev.patchbay." + packages[i] + "..";
        }
        return out;
    }

    @Test
    void domainDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("dev.patchbay.domain..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ours("crypto", "server", "client", "cache", "updater", "harness", "console", "cli", "db"))
                .check(classes);
    }

    @Test
    void cryptoDependsOnlyOnDomain() {
        noClasses().that().resideInAPackage("dev.patchbay.crypto..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ours("server", "client", "cache", "updater", "harness", "console", "cli", "db"))
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void updaterUsesOnlyDomainCryptoAndAndroidSafeApis() {
        noClasses().that().resideInAPackage("dev.patchbay.updater..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ours("server", "client", "cache", "harness", "console", "cli", "db"))
                .allowEmptyShould(true)
                .check(classes);
        noClasses().that().resideInAPackage("dev.patchbay.updater..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "javafx..", "java.net.http..", "java.sql..", "javax.sql..", "java.awt..", "javax.swing..",
                        "okhttp3..", "org.eclipse.jetty..", "org.h2..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void serverNeverReachesIntoTheConsoleSide() {
        noClasses().that().resideInAPackage("dev.patchbay.server..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ours("console", "cache", "updater", "harness", "client", "cli"))
                .check(classes);
    }

    @Test
    void clientAndCacheStayBelowTheConsole() {
        noClasses().that().resideInAPackage("dev.patchbay.client..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ours("server", "cache", "updater", "harness", "console", "cli", "db"))
                .check(classes);
        noClasses().that().resideInAPackage("dev.patchbay.cache..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ours("server", "updater", "harness", "console", "cli"))
                .allowEmptyShould(true)
                .check(classes);
    }

    /** The console may start the sandbox server in-process, but reaches every server only through the client. */
    @Test
    void consoleReachesServersOnlyThroughTheClient() {
        DescribedPredicate<JavaClass> serverInternals = new DescribedPredicate<>("server classes other than "
                + "PatchbayServer and ServerConfig") {
            @Override
            public boolean test(JavaClass c) {
                return c.getPackageName().startsWith("dev.patchbay.server")
                        && !c.getName().equals("dev.patchbay.server.PatchbayServer")
                        && !c.getName().equals("dev.patchbay.server.ServerConfig");
            }
        };
        noClasses().that().resideInAPackage("dev.patchbay.console..")
                .should().dependOnClassesThat(serverInternals)
                .check(classes);
        noClasses().that().resideInAPackage("dev.patchbay.console..")
                .should().dependOnClassesThat().resideInAnyPackage(ours("updater", "cli"))
                .check(classes);
    }

    /** Emulated devices run the updater and talk to servers over HTTP only, as real devices do. */
    @Test
    void harnessTalksToServersOnlyOverHttp() {
        noClasses().that().resideInAPackage("dev.patchbay.harness..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ours("server", "client", "cache", "console", "cli", "db"))
                .check(classes);
        noClasses().that().resideInAPackage("dev.patchbay.harness..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.h2..", "org.eclipse.jetty..",
                        "okhttp3..")
                .check(classes);
    }

    @Test
    void onlyTheServerAndTheCacheTouchSql() {
        noClasses().that().resideInAnyPackage(ours("domain", "client", "console", "cli", "crypto"))
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.h2..")
                .check(classes);
    }
}
