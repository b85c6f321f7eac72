package io.coordinator.server.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /metrics}, where ZooKeeper's PrometheusMetricsProvider serves its scrape: the same scrape as
 * {@code /actuator/prometheus} (our names and ZooKeeper's), open like it.
 */
@Controller
public class PrometheusMetricsPath {
    @GetMapping("/metrics")
    public String metrics() {
        return "forward:/actuator/prometheus";
    }
}
