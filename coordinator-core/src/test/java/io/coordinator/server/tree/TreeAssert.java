package io.coordinator.server.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

/** Compares two trees node by node, stored fields included. */
final class TreeAssert {
    private TreeAssert() {}

    static Map<String, String> describe(DataTree tree) {
        Map<String, String> out = new TreeMap<>();
        tree.nodes()
                .forEach((path, n) -> out.put(
                        path,
                        String.join(
                                "|",
                                n.data() == null
                                        ? "null"
                                        : java.util.HexFormat.of().formatHex(n.data()),
                                String.valueOf(n.acl()),
                                String.valueOf(n.czxid()),
                                String.valueOf(n.mzxid()),
                                String.valueOf(n.ctime()),
                                String.valueOf(n.mtime()),
                                String.valueOf(n.version()),
                                String.valueOf(n.storedCversion()),
                                String.valueOf(n.aversion()),
                                String.valueOf(n.ephemeralOwner()),
                                String.valueOf(n.pzxid()),
                                String.valueOf(new java.util.TreeSet<>(n.childNames())))));
        return out;
    }

    static void assertSameTree(DataTree actual, DataTree expected) {
        assertThat(describe(actual)).containsExactlyEntriesOf(describe(expected));
        assertThat(actual.ephemeralsBySession()).isEqualTo(expected.ephemeralsBySession());
        assertThat(actual.containersToDelete(Integer.MAX_VALUE))
                .isEqualTo(expected.containersToDelete(Integer.MAX_VALUE));
        assertThat(actual.expiredTtlNodes(Long.MAX_VALUE / 2)).isEqualTo(expected.expiredTtlNodes(Long.MAX_VALUE / 2));
        assertThat(actual.nodeCount()).isEqualTo(expected.nodeCount());
        assertThat(actual.approximateDataSize()).isEqualTo(expected.approximateDataSize());
    }
}
