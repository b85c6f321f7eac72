package io.coordinator.server.it;

import java.io.IOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For test classes of the packaged jar: skipped when it is absent or older than the compiled classes, failed
 * instead with {@code -Dcoordinator.crash-test.require-jar=true}. {@code @ExtendWith(NeedsPackagedJar.class)}
 */
final class NeedsPackagedJar implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        CrashRecoveryOnCoordinatorIT.needsPackagedJar();
    }
}
