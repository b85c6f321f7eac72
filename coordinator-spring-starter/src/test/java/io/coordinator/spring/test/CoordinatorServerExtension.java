package io.coordinator.spring.test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Coordinator server process per test class, with an admin Curator client on it:
 * {@code @RegisterExtension static final CoordinatorServerExtension server = new CoordinatorServerExtension();}
 */
public final class CoordinatorServerExtension implements BeforeAllCallback, AfterAllCallback {
    private CoordinatorServerProcess process;
    private CuratorFramework admin;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        process = CoordinatorServerProcess.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            admin = null;
            if (process != null) {
                process.close();
            }
        }
    }

    public String connectString() {
        return process.connectString();
    }

    public int port() {
        return process.port();
    }

    public void expireSession(long sessionId, byte[] password) throws Exception {
        process.expireSession(sessionId, password);
    }

    /** A connected client for setting up and inspecting the tree; closed after the class. */
    public synchronized CuratorFramework admin() throws InterruptedException {
        if (admin == null) {
            CuratorFramework c = CuratorFrameworkFactory.newClient(process.connectString(), new RetryOneTime(200));
            c.start();
            if (!c.blockUntilConnected(30, TimeUnit.SECONDS)) {
                c.close();
                throw new IllegalStateException("admin client did not connect to " + process.connectString());
            }
            admin = c;
        }
        return admin;
    }

    /** Creates (with parents) or overwrites a znode with UTF-8 text. */
    public void set(String path, String value) throws Exception {
        admin().create().orSetData().creatingParentsIfNeeded().forPath(path, value.getBytes(StandardCharsets.UTF_8));
    }
}
