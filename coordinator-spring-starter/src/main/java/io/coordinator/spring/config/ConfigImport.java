package io.coordinator.spring.config;

import io.coordinator.config.format.gray.InstanceFacts;
import io.coordinator.spring.autoconfigure.CoordinatorClientSecurity;
import java.time.Duration;

/**
 * What one {@code spring.config.import=coordinator:} says for every context it imports: the server and how to reach
 * it, where the local copies go, whether the import is optional, and this instance for gray release selectors.
 */
record ConfigImport(
        String connectString,
        String connectProperty,
        Duration sessionTimeout,
        Duration connectionTimeout,
        String localCopy,
        boolean optional,
        CoordinatorClientSecurity security,
        ConfigKeyRing keys,
        InstanceFacts instance) {}
