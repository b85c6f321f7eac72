package io.coordinator.server.tree;

import static io.coordinator.server.tree.TreeOps.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Txn;
import org.junit.jupiter.api.Test;

class ContainerTtlTest {
    private final TreeOps ops = new TreeOps();
    private final DataTree tree = ops.tree;

    @Test
    void onlyChildlessContainersThatOnceHadChildrenAreCandidates() {
        ops.create("/never", null, Txn.CONTAINER_OWNER);
        ops.create("/used", null, Txn.CONTAINER_OWNER);
        ops.create("/used/x", "");
        ops.delete("/used/x");
        ops.create("/busy", null, Txn.CONTAINER_OWNER);
        ops.create("/busy/x", "");
        ops.create("/plain", "");
        ops.create("/plain/x", "");
        ops.delete("/plain/x");
        assertThat(tree.containersToDelete(100)).containsExactly("/used");
        ops.delete("/busy/x");
        assertThat(tree.containersToDelete(100)).containsExactly("/busy", "/used");
        assertThat(tree.containersToDelete(1)).containsExactly("/busy");
        ops.delete("/busy");
        assertThat(tree.containersToDelete(100)).containsExactly("/used");
    }

    @Test
    void neverUsedContainersOnlyWithMaxNeverUsedInterval() {
        ops.create("/never", null, Txn.CONTAINER_OWNER);
        long created = ops.time;
        assertThat(tree.containersToDelete(100, created + 10_000, 0)).isEmpty();
        assertThat(tree.containersToDelete(100, created + 1_000, 5_000)).isEmpty();
        assertThat(tree.containersToDelete(100, created + 5_001, 5_000)).containsExactly("/never");
    }

    @Test
    void ttlNodesExpireWhenChildlessAndUnmodifiedForLongerThanTheirTtl() {
        ops.create("/t", bytes("x"), Txn.TTL_OWNER_BITS | 1000);
        long created = ops.time;
        ops.create("/t2", bytes("x"), Txn.TTL_OWNER_BITS | 1000);
        ops.create("/t2/child", "");
        ops.create("/persistent", "");
        assertThat(tree.expiredTtlNodes(created + 1000)).isEmpty();
        assertThat(tree.expiredTtlNodes(created + 1001)).containsExactly("/t");
        assertThat(tree.expiredTtlNodes(created + 100_000)).containsExactly("/t");
        ops.delete("/t2/child");
        assertThat(tree.expiredTtlNodes(created + 100_000)).containsExactly("/t", "/t2");
        // setData refreshes mtime
        ops.setData("/t", "y");
        assertThat(tree.expiredTtlNodes(ops.time + 500)).isEmpty();
        ops.delete("/t");
        assertThat(tree.expiredTtlNodes(Long.MAX_VALUE / 2)).containsExactly("/t2");
    }

    @Test
    void containersAndTtlNodesAreNotEphemerals() {
        ops.create("/c", null, Txn.CONTAINER_OWNER);
        ops.create("/t", null, Txn.TTL_OWNER_BITS | 5);
        assertThat(tree.ephemeralsBySession()).isEmpty();
        assertThat(tree.ephemeralCount()).isZero();
    }
}
