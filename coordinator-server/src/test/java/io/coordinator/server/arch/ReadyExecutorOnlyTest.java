package io.coordinator.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.coordinator.server.cluster.EnsembleDriver;
import io.coordinator.server.zab.Ready;
import io.coordinator.server.zab.ReadyExecutor;
import io.coordinator.server.zab.ZabNode;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Production carries out Readies through the one {@link ReadyExecutor}, the class the simulator and the scripted
 * harness use too. coordinator-core's {@code zab.ReadyExecutorOnlyTest} checks the core's classes: that the
 * executor takes and advances Readies and nothing else there does. This checks what only this module can see:
 * nothing in the server's main code or tests takes a Ready from a {@link ZabNode} or advances it, and the
 * ensemble's driver goes through a ReadyExecutor.
 */
class ReadyExecutorOnlyTest {
    private static JavaClasses serverClasses;

    @BeforeAll
    static void load() {
        // this module's main and test classes only (the core's are coordinator-core's test's to check)
        serverClasses = new ClassFileImporter()
                .importUrls(List.of(classesOf(EnsembleDriver.class), classesOf(ReadyExecutorOnlyTest.class)));
    }

    private static URL classesOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    @Test
    void nothingInTheServerTakesOrAdvancesReadies() {
        noClasses()
                .should()
                .callMethod(ZabNode.class, "ready")
                .orShould()
                .callMethod(ZabNode.class, "advance", Ready.class)
                .check(serverClasses);
    }

    @Test
    void theEnsembleDriverUsesTheExecutor() {
        classes()
                .that()
                .haveFullyQualifiedName(EnsembleDriver.class.getName())
                .should()
                .callConstructorWhere(DescribedPredicate.describe(
                        "new ReadyExecutor(..)", call -> call.getTargetOwner().isEquivalentTo(ReadyExecutor.class)))
                .check(serverClasses);
    }
}
