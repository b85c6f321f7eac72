package io.coordinator.samples.inventory;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Holds stock in Coordinator, reserves it under @DistributedLock, restocks on the leader only. */
@SpringBootApplication
@EnableScheduling
@EnableConfigurationProperties(InventoryProperties.class)
public class InventoryApplication {

    /** Its own config file name, so the two samples can share a classpath (the end-to-end tests do). */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(InventoryApplication.class)
                .properties("spring.config.name=inventory-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
