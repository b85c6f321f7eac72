package io.coordinator.samples.inventory;

import io.coordinator.spring.lock.DistributedLock;
import io.coordinator.spring.lock.DistributedLocks;
import io.coordinator.spring.lock.LockHandle;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.springframework.stereotype.Service;

/**
 * Stock per SKU, kept in Coordinator at /samples/inventory/stock/&lt;sku&gt; as "quantity;fencing-token".
 * Every write happens under the SKU's distributed lock and is fenced: a write carrying a token older than the
 * last one accepted is refused, and the write is conditional on the version read (a concurrent writer would
 * show up as a conflict).
 */
@Service
public class StockService {
    public static final String ROOT = "/samples/inventory/stock";

    private final CuratorFramework client;
    private final InventoryProperties properties;
    private final AtomicInteger conflicts = new AtomicInteger();
    private final AtomicInteger staleTokens = new AtomicInteger();

    public StockService(CuratorFramework client, InventoryProperties properties) {
        this.client = client;
        this.properties = properties;
    }

    public record Stock(int quantity, long token) {
        static Stock parse(byte[] data) {
            String[] p = new String(data, StandardCharsets.UTF_8).split(";");
            return new Stock(Integer.parseInt(p[0]), p.length > 1 ? Long.parseLong(p[1]) : 0);
        }

        byte[] bytes() {
            return (quantity + ";" + token).getBytes(StandardCharsets.UTF_8);
        }
    }

    public record Reservation(String sku, int requested, boolean accepted, int remaining, long fencingToken) {}

    public int quantity(String sku) throws Exception {
        return read(sku, new Stat()).quantity();
    }

    private Stock read(String sku, Stat stat) throws Exception {
        String path = ROOT + "/" + sku;
        try {
            return Stock.parse(client.getData().storingStatIn(stat).forPath(path));
        } catch (KeeperException.NoNodeException e) {
            try {
                client.create()
                        .creatingParentsIfNeeded()
                        .forPath(path, new Stock(properties.getInitialStock(), 0).bytes());
            } catch (KeeperException.NodeExistsException raced) {
                // created by another instance
            }
            return Stock.parse(client.getData().storingStatIn(stat).forPath(path));
        }
    }

    @DistributedLock(key = "'stock-' + #sku", waitTime = 15, timeUnit = TimeUnit.SECONDS)
    public Reservation reserve(String sku, int quantity) throws Exception {
        return change(sku, -quantity);
    }

    @DistributedLock(key = "'stock-' + #sku", waitTime = 15, timeUnit = TimeUnit.SECONDS)
    public Reservation restock(String sku, int quantity) throws Exception {
        return change(sku, quantity);
    }

    private Reservation change(String sku, int delta) throws Exception {
        LockHandle lock = DistributedLocks.current();
        Stat stat = new Stat();
        Stock stock = read(sku, stat);
        if (lock.fencingToken() <= stock.token()) {
            staleTokens.incrementAndGet();
            throw new IllegalStateException("stale fencing token " + lock.fencingToken() + " <= " + stock.token());
        }
        if (stock.quantity() + delta < 0) {
            return new Reservation(sku, -delta, false, stock.quantity(), lock.fencingToken());
        }
        lock.checkHeld();
        Stock next = new Stock(stock.quantity() + delta, lock.fencingToken());
        try {
            client.setData().withVersion(stat.getVersion()).forPath(ROOT + "/" + sku, next.bytes());
        } catch (KeeperException.BadVersionException e) {
            conflicts.incrementAndGet();
            throw new IllegalStateException("concurrent writer on " + sku + ": the lock did not exclude it", e);
        }
        return new Reservation(sku, Math.abs(delta), true, next.quantity(), lock.fencingToken());
    }

    /** Writes that found another writer in between (must stay 0). */
    public int conflicts() {
        return conflicts.get();
    }

    /** Writes refused for a stale fencing token (must stay 0 while locks work). */
    public int staleTokens() {
        return staleTokens.get();
    }
}
