package io.coordinator.server.zab;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every ZAB test harness carries out Readies through the one {@link ReadyExecutor}, the class production's driver
 * uses too (checked in coordinator-server's {@code arch.ReadyExecutorOnlyTest}): nothing else in the core, main code
 * or tests, takes a Ready from a {@link ZabNode} or advances it. So the simulator cannot drift to an ordering of its
 * own.
 */
class ReadyExecutorOnlyTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().importPackages("io.coordinator.server"); // the core's main and test classes
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
        for (String driver :
                new String[] {"io.coordinator.server.zab.sim.Sim", "io.coordinator.server.zab.sim.ScriptedCluster"}) {
            classes()
                    .that()
                    .haveFullyQualifiedName(driver)
                    .should()
                    .callConstructorWhere(DescribedPredicate.describe(
                            "new ReadyExecutor(..)",
                            call -> call.getTargetOwner().isEquivalentTo(ReadyExecutor.class)))
                    .check(classes);
        }
    }
}
