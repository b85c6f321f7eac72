package io.coordinator.spring;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** A client application whose one bean shows the configuration it got (from the server or its local copy). */
@SpringBootConfiguration
@EnableAutoConfiguration
class GreeterApp {
    @Bean
    Greeter greeter() {
        return new Greeter();
    }

    public static class Greeter {
        @Value("${greeting:default-greeting}")
        volatile String greeting;

        @Value("${audience:default-audience}")
        volatile String audience;
    }
}
