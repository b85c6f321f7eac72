package io.coordinator.samples.inventory;

import io.coordinator.spring.autoconfigure.CoordinatorIdentity;
import io.coordinator.spring.leader.LeaderOnly;
import io.coordinator.spring.leader.Leadership;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Tops up low stock; runs on every instance's scheduler, executes on the group's leader only. */
@Component
public class RestockJob {
    public static final String GROUP = "inventory-restock";
    public static final String LOG = "/samples/inventory/restock-log";
    private static final Log log = LogFactory.getLog(RestockJob.class);

    private final StockService stock;
    private final InventoryProperties properties;
    private final CuratorFramework client;
    private final Leadership leadership;
    private final CoordinatorIdentity identity;
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger fencedOut = new AtomicInteger();

    public RestockJob(
            StockService stock,
            InventoryProperties properties,
            CuratorFramework client,
            Leadership leadership,
            CoordinatorIdentity identity) {
        this.stock = stock;
        this.properties = properties;
        this.client = client;
        this.leadership = leadership;
        this.identity = identity;
    }

    @LeaderOnly(GROUP)
    @Scheduled(
            fixedDelayString = "${inventory.restock.interval:5s}",
            initialDelayString = "${inventory.restock.interval:5s}")
    public void restock() throws Exception {
        runs.incrementAndGet();
        long token = leadership.fencingToken(GROUP);
        if (properties.isLogRuns() && !logRun(token)) {
            return;
        }
        for (String sku : properties.getSkus()) {
            if (stock.quantity(sku) < properties.getRestock().getThreshold()) {
                StockService.Reservation r =
                        stock.restock(sku, properties.getRestock().getAmount());
                log.info("Restocked " + sku + " to " + r.remaining() + " (leader token " + token + ")");
            }
        }
    }

    /**
     * Records the run, fenced on the server: the transaction also checks that our leader latch node still
     * exists, so a run that lost leadership while it was under way (e.g. stuck in a partition until the session
     * expired) cannot write after the next leader has started.
     */
    private boolean logRun(long token) throws Exception {
        String fence = leadership.leaderNodePath(GROUP);
        if (fence == null) {
            fencedOut.incrementAndGet();
            return false;
        }
        try {
            client.create().creatingParentsIfNeeded().forPath(LOG);
        } catch (KeeperException.NodeExistsException exists) {
            // usual case
        }
        try {
            client.transaction()
                    .forOperations(
                            client.transactionOp().check().forPath(fence),
                            client.transactionOp()
                                    .create()
                                    .withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                                    .forPath(
                                            LOG + "/run-",
                                            (identity.instanceId() + ";" + token).getBytes(StandardCharsets.UTF_8)));
            return true;
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException lost) {
            fencedOut.incrementAndGet();
            log.warn("Restock run fenced out: leadership was lost while it ran");
            return false;
        }
    }

    /** Runs refused by the fence (leadership lost mid-run). */
    public int fencedOut() {
        return fencedOut.get();
    }

    public int runs() {
        return runs.get();
    }
}
