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
 * Production and every ZAB test harness carry out Readies through the one {@link ReadyExecutor}: nothing else,
 * in main code or tests, takes a Ready from a {@link ZabNode} or advances it. So the simulator cannot drift to an
 * ordering of its own.
 */
class ReadyExecutorOnlyTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().importPackages("io.coordinator.server"); // main and test classes
    }

    @Test
    void onlyTheExecutorTakesAndAdvancesReadies() {
        noClasses().that().doNotHaveFullyQualifiedName(ReadyExecutor.class.getName())
                .should().callMethod(ZabNode.class, "ready")
                .orShould().callMethod(ZabNode.class, "advance", Ready.class)
                .check(classes);
    }

    @Test
    void theExecutorDoesAndTheDriversUseIt() {
        classes().that().haveFullyQualifiedName(ReadyExecutor.class.getName())
                .should().callMethod(ZabNode.class, "ready")
                .andShould().callMethod(ZabNode.class, "advance", Ready.class)
                .check(classes);
        for (String driver : new String[] {EnsembleDriver.class.getName(), "io.coordinator.server.zab.sim.Sim",
                "io.coordinator.server.zab.sim.ScriptedCluster"}) {
            classes().that().haveFullyQualifiedName(driver)
                    .should().callConstructorWhere(DescribedPredicate.describe("new ReadyExecutor(..)",
                            call -> call.getTargetOwner().isEquivalentTo(ReadyExecutor.class)))
                    .check(classes);
        }
    }
}
