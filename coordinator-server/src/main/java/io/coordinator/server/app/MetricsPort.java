package io.coordinator.server.app;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.connector.Connector;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code coordinator.metrics-port} (zoo.cfg: metricsProvider.httpPort of ZooKeeper's PrometheusMetricsProvider): a
 * second Tomcat connector of the same web server, bound to server.address, that answers only {@code /metrics} (the
 * Prometheus scrape, ZooKeeper's names beside ours) so a scrape job written for ZooKeeper finds it unchanged.
 */
@Configuration(proxyBeanMethods = false)
class MetricsPort {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> metricsConnector(CoordinatorProperties props) {
        return factory -> {
            if (props.metricsPort() > 0) {
                Connector connector = new Connector();
                connector.setPort(props.metricsPort());
                if (factory.getAddress() != null) {
                    connector.setProperty("address", factory.getAddress().getHostAddress());
                }
                factory.addAdditionalConnectors(connector);
            }
        };
    }

    /** On the metrics port everything but /metrics is 404: the console and the API stay on the HTTP port. */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> metricsPortOnlyMetrics(CoordinatorProperties props) {
        int port = props.metricsPort();
        var filter = new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                if (port > 0 && request.getLocalPort() == port && !"/metrics".equals(request.getRequestURI())) {
                    response.sendError(HttpServletResponse.SC_NOT_FOUND);
                    return;
                }
                chain.doFilter(request, response);
            }
        };
        var registration = new FilterRegistrationBean<OncePerRequestFilter>(filter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
