package io.coordinator.server.tree;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.Perms;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Structural properties that keep a znode small: shared ACL lists, no child set on a leaf. */
class NodeFootprintTest {

    private final TreeOps ops = new TreeOps();
    private final DataTree tree = ops.tree;
    private static final List<Acl> DIGEST = List.of(new Acl(Perms.READ, new Id("digest", "u:x")));

    @Test
    void equalAclsShareOneList() {
        ops.create("/a", "1");
        // An equal list, not the same instance (as a decoded request gives).
        tree.apply(
                ops.next(io.coordinator.server.protocol.OpCode.CREATE),
                new io.coordinator.server.protocol.Txn.Create(
                        "/b",
                        new byte[0],
                        new ArrayList<>(List.of(new Acl(Perms.ALL, new Id("world", "anyone")))),
                        0,
                        -1));
        assertThat(tree.getNode("/a").acl())
                .isSameAs(tree.getNode("/b").acl())
                .isSameAs(tree.getNode("/").acl());
        // Two system ACLs (open, read-only) in use.
        assertThat(tree.aclCacheSize()).isEqualTo(2);
    }

    @Test
    void anAclLeavesTheCacheWithItsLastNode() {
        ops.create("/a", "1");
        ops.create("/b", "1");
        ops.setAcl("/a", DIGEST);
        ops.setAcl("/b", new ArrayList<>(DIGEST));
        assertThat(tree.getNode("/a").acl()).isSameAs(tree.getNode("/b").acl());
        assertThat(tree.aclCacheSize()).isEqualTo(3);
        ops.delete("/a");
        assertThat(tree.aclCacheSize()).isEqualTo(3);
        ops.setAcl("/b", Acl.OPEN_ACL_UNSAFE);
        assertThat(tree.aclCacheSize()).isEqualTo(2);
        ops.setAcl("/b", DIGEST);
        ops.delete("/b");
        assertThat(tree.aclCacheSize()).isEqualTo(2);
    }

    @Test
    void sessionCloseReleasesTheEphemeralsAcls() {
        ops.create("/p", "1");
        ops.ephemeral("/p/e1", 7);
        ops.setAcl("/p/e1", DIGEST);
        assertThat(tree.aclCacheSize()).isEqualTo(3);
        ops.closeSession(7);
        assertThat(tree.aclCacheSize()).isEqualTo(2);
    }

    @Test
    void aLoadedSnapshotSharesItsAcls() throws IOException {
        ops.create("/a", "1");
        ops.create("/b", "1");
        ops.create("/c", "1");
        ops.setAcl("/c", DIGEST);
        DataTree copy = SnapshotTest.deserialize(SnapshotTest.serialize(tree));
        assertThat(copy.getNode("/a").acl())
                .isSameAs(copy.getNode("/b").acl())
                .isSameAs(copy.getNode("/").acl());
        assertThat(copy.getNode("/c").acl()).isEqualTo(DIGEST);
        assertThat(copy.aclCacheSize()).isEqualTo(3);
    }

    @Test
    void aLeafHasNoChildSet() throws Exception {
        ops.create("/leaf", "1");
        java.lang.reflect.Field f = DataNode.class.getDeclaredField("children");
        f.setAccessible(true);
        assertThat(f.get(tree.getNode("/leaf"))).isNull();
        ops.create("/leaf/x", "1");
        assertThat(tree.getNode("/leaf").numChildren()).isEqualTo(1);
        ops.delete("/leaf/x");
        assertThat(tree.getNode("/leaf").numChildren()).isZero();
        assertThat(tree.getNode("/leaf").childNames()).isEmpty();
    }
}
