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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Production carries out Readies through the one {@link ReadyExecutor}, the class the simulator and the scripted
 * harness use too (checked in coordinator-core's {@code zab.ReadyExecutorOnlyTest}): nothing else, in the server's
 * main code or tests or the core's main code, takes a Ready from a {@link ZabNode} or advances it.
 */
class ReadyExecutorOnlyTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter()
                .importPackages("io.coordinator.server"); // the server's main and test classes, the core's main classes
    }

    @Test
    void onlyTheExecutorTakesAndAdvancesReadies() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(ReadyExecutor.class.getName())
                .should()
                .callMethod(ZabNode.class, "ready")
                .orShould()
                .callMethod(ZabNode.class, "advance", Ready.class)
                .check(classes);
    }

    @Test
    void theExecutorDoesAndTheDriversUseIt() {
        classes()
                .that()
                .haveFullyQualifiedName(ReadyExecutor.class.getName())
                .should()
                .callMethod(ZabNode.class, "ready")
                .andShould()
                .callMethod(ZabNode.class, "advance", Ready.class)
                .check(classes);
        classes()
                .that()
                .haveFullyQualifiedName(EnsembleDriver.class.getName())
                .should()
                .callConstructorWhere(DescribedPredicate.describe(
                        "new ReadyExecutor(..)", call -> call.getTargetOwner().isEquivalentTo(ReadyExecutor.class)))
                .check(classes);
    }
}
