package io.coordinator.server;

import io.coordinator.server.app.CoordinatorApplication;
import io.coordinator.server.ops.ServerHandle;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A test of the whole app on random ports: {@link #port} is its HTTP port, {@link #server} the server. The
 * subclass's {@code @DynamicPropertySource} registers {@link StandaloneTestProperties} and what it needs besides.
 */
@SpringBootTest(classes = CoordinatorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class StandaloneAppTest {
    @LocalServerPort
    protected int port;

    @Autowired
    protected ServerHandle server;
}
