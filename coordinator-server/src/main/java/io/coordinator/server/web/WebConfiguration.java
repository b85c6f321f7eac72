package io.coordinator.server.web;

import io.coordinator.server.ops.ClusterStatusService;
import io.coordinator.server.ops.ServerHandle;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

/** The REST API ({@code /api}), its security and problem mapping, and the configuration history. */
@Configuration(proxyBeanMethods = false)
@Import({
    SecurityConfiguration.class,
    ProblemMapping.class,
    ZnodeController.class,
    ServicesController.class,
    ConfigController.class,
    ConfigTransferController.class,
    ConfigGrayController.class,
    ClusterController.class,
    ClusterHistoryController.class,
    InstancesController.class,
    EventsController.class,
    AdminCommandsController.class,
    PrometheusMetricsPath.class,
    BackupController.class
})
public class WebConfiguration {

    @Bean
    LocalZooKeeper localZooKeeper(ServerHandle server, WebProperties props, WireAcls wireAcls) {
        return new LocalZooKeeper(server, props, wireAcls);
    }

    @Bean
    MemberDirectory memberDirectory(
            ServerHandle server, LocalZooKeeper zk, WireAcls wireAcls, org.springframework.core.env.Environment env) {
        return new MemberDirectory(server, zk, wireAcls, env);
    }

    @Bean
    WireAcls wireAcls(WebProperties props, AccessPolicy policy) {
        return new WireAcls(props, policy);
    }

    @Bean
    Access access(AccessPolicy policy, WebProperties props) {
        return new Access(policy, props);
    }

    @Bean
    ConfigStore configStore(LocalZooKeeper zk, WebProperties props, WireAcls wireAcls, ServerHandle server) {
        return new ConfigStore(zk, props, wireAcls, server::maxPacketSize);
    }

    @Bean
    ConfigGray configGray(LocalZooKeeper zk, ConfigStore store, WireAcls wireAcls, WebProperties props) {
        return new ConfigGray(zk, store, wireAcls, props);
    }

    @Bean
    ConfigEncryption configEncryption(WebProperties props) {
        return new ConfigEncryption(props);
    }

    @Bean
    OpenAPI coordinatorOpenApi() {
        return new OpenAPI()
                .info(
                        new Info()
                                .title("Coordinator REST API")
                                .version("v1")
                                .description(
                                        "Znodes with ZooKeeper semantics, services, configuration with history, cluster status. "
                                                + "Errors are RFC 9457 problem documents; every request needs a user (HTTP Basic), whose role and grants decide what it may read and change."));
    }

    @Bean
    ZnodeEvents znodeEvents(LocalZooKeeper zk) {
        return new ZnodeEvents(zk);
    }

    @Bean
    MemberEvents memberEvents(ServerHandle server, ClusterStatusService status, ZnodeEvents events) {
        return new MemberEvents(server, status::peers, events::broadcast);
    }

    @Bean
    FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(WebProperties props) {
        FilterRegistrationBean<RequestSizeFilter> r =
                new FilterRegistrationBean<>(new RequestSizeFilter(props.getMaxDataBytes()));
        r.setOrder(Ordered.HIGHEST_PRECEDENCE);
        r.addUrlPatterns("/api/*");
        return r;
    }
}
