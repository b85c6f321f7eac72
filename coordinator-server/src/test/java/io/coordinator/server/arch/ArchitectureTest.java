package io.coordinator.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the shape ARCHITECTURE.md describes: a pure core, IO at the edges, dependencies pointing down. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.coordinator.server");
    }

    @Test
    void pureCoreHasNoIoThreadsClocksOrFrameworks() {
        noClasses()
                .that()
                .resideInAnyPackage("..server.tree..", "..server.session..", "..server.zab..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.netty..", "org.springframework..", "java.nio.file..", "java.nio.channels..", "java.net..")
                .orShould()
                .dependOnClassesThat()
                .haveNameMatching(
                        "java\\.util\\.concurrent\\.(Executor.*|ScheduledExecutorService|CompletableFuture|ThreadPoolExecutor|ForkJoinPool)")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.io.File")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.io.FileInputStream")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.io.FileOutputStream")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.io.RandomAccessFile")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.Thread")
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .callMethod(System.class, "nanoTime")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void layersDependDownwardOnly() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("app")
                .definedBy("..server.app..")
                .layer("web")
                .definedBy("..server.web..")
                .layer("ops")
                .definedBy("..server.ops..")
                .layer("cluster")
                .definedBy("..server.cluster..")
                .layer("net")
                .definedBy("..server.net..")
                .layer("request")
                .definedBy("..server.request..")
                .layer("zab")
                .definedBy("..server.zab..")
                .layer("storage")
                .definedBy("..server.storage..")
                .layer("session")
                .definedBy("..server.session..")
                .layer("tree")
                .definedBy("..server.tree..")
                .layer("protocol")
                .definedBy("..server.protocol..")
                .whereLayer("app")
                .mayNotBeAccessedByAnyLayer()
                // the REST API reaches the server only through the ZooKeeper client and ops' ServerHandle
                .whereLayer("web")
                .mayOnlyBeAccessedByLayers("app")
                .whereLayer("ops")
                .mayOnlyBeAccessedByLayers("app", "web")
                .whereLayer("cluster")
                .mayOnlyBeAccessedByLayers("app", "ops")
                .whereLayer("net")
                .mayOnlyBeAccessedByLayers("app", "cluster", "ops")
                .whereLayer("request")
                .mayOnlyBeAccessedByLayers("app", "cluster", "net", "ops")
                .whereLayer("zab")
                .mayOnlyBeAccessedByLayers("app", "cluster", "ops")
                .whereLayer("storage")
                .mayOnlyBeAccessedByLayers("app", "cluster", "request", "ops")
                .whereLayer("session")
                .mayOnlyBeAccessedByLayers("app", "cluster", "request", "net")
                .whereLayer("tree")
                .mayOnlyBeAccessedByLayers("app", "cluster", "request", "zab", "storage")
                .check(classes);
    }
}
