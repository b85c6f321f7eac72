package io.coordinator.server.tree;

import static io.coordinator.server.tree.TreeOps.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.protocol.ZkException;
import java.nio.charset.StandardCharsets;
import org.apache.zookeeper.StatsTrack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuotaTest {
    private final TreeOps ops = new TreeOps();
    private final DataTree tree = ops.tree;

    /** What zkCli setquota does: parents with null data, the limits node, then a zeroed stats node. */
    private void setQuota(String path, String limits) {
        StringBuilder p = new StringBuilder("/zookeeper/quota");
        for (String part : path.substring(1).split("/")) {
            p.append('/').append(part);
            if (tree.getNode(p.toString()) == null) {
                ops.create(p.toString(), null, 0);
            }
        }
        ops.create(p + "/zookeeper_limits", bytes(limits), 0);
        ops.create(p + "/zookeeper_stats", bytes("count=0,bytes=0"), 0);
    }

    private String stats(String path) {
        return new String(
                tree.getData("/zookeeper/quota" + path + "/zookeeper_stats", null)
                        .data(),
                StandardCharsets.UTF_8);
    }

    @Test
    void creatingTheStatsNodeCountsTheExistingSubtree() {
        ops.create("/app", "12345");
        ops.create("/app/a", "1");
        ops.create("/app/a/b", null, 0);
        ops.create("/apple", "not below /app");
        setQuota("/app", "count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=5");
        assertThat(stats("/app")).isEqualTo("count=3,bytes=6");
        // The recount changes the data only, not the Stat the create produced.
        Stat s = tree.exists("/zookeeper/quota/app/zookeeper_stats", null);
        assertThat(s.version()).isZero();
        assertThat(s.dataLength()).isEqualTo("count=3,bytes=6".length());
    }

    @Test
    void statsFollowCreateSetDataAndDelete() {
        ops.create("/app", "");
        setQuota("/app", "count=10,bytes=100");
        assertThat(stats("/app")).isEqualTo("count=1,bytes=0");
        ops.create("/app/x", "abc");
        assertThat(stats("/app")).isEqualTo("count=2,bytes=3");
        ops.setData("/app/x", "abcdef");
        assertThat(stats("/app")).isEqualTo("count=2,bytes=6");
        ops.setData("/app/x", null);
        assertThat(stats("/app")).isEqualTo("count=2,bytes=0");
        ops.create("/app/y", "12");
        ops.delete("/app/y");
        assertThat(stats("/app")).isEqualTo("count=2,bytes=0");
        ops.ephemeral("/app/e", 9);
        assertThat(stats("/app")).isEqualTo("count=3,bytes=1");
        ops.closeSession(9);
        assertThat(stats("/app")).isEqualTo("count=2,bytes=0");
        // Outside the quota: untouched.
        ops.create("/other", "zzz");
        assertThat(stats("/app")).isEqualTo("count=2,bytes=0");
    }

    @Test
    void onlyTheDeepestQuotaIsUpdated() {
        ops.create("/a", "");
        ops.create("/a/b", "");
        setQuota("/a", "count=100,bytes=-1");
        setQuota("/a/b", "count=100,bytes=-1");
        assertThat(stats("/a")).isEqualTo("count=2,bytes=0");
        assertThat(stats("/a/b")).isEqualTo("count=1,bytes=0");
        ops.create("/a/b/c", "x");
        assertThat(stats("/a/b")).isEqualTo("count=2,bytes=1");
        assertThat(stats("/a")).isEqualTo("count=2,bytes=0");
        ops.create("/a/d", "x");
        assertThat(stats("/a")).isEqualTo("count=3,bytes=1");
    }

    @Test
    void deletingTheLimitsNodeEndsTracking() {
        ops.create("/app", "");
        setQuota("/app", "count=10,bytes=-1");
        ops.delete("/zookeeper/quota/app/zookeeper_limits");
        ops.create("/app/x", "abc");
        assertThat(stats("/app")).isEqualTo("count=1,bytes=0");
        assertWithinQuota("/app/y", 1, 1);
    }

    @Test
    void hardCountLimitIsEnforced() {
        ops.create("/app", "");
        setQuota("/app", "count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=3");
        ops.create("/app/a", "");
        tree.checkQuota("/app/b", 0, 1); // 3 <= 3
        ops.create("/app/b", "");
        assertQuotaExceeded("/app/c", 0, 1);
        assertQuotaExceeded("/app/b/deep", 0, 1);
        // setData does not add a node
        assertWithinQuota("/app/a", 1000, 0);
        assertWithinQuota("/elsewhere", 0, 1);
    }

    @Test
    void hardByteLimitIsEnforced() {
        ops.create("/app", "12");
        setQuota("/app", "count=-1,bytes=-1=;byteHardLimit=10;countHardLimit=-1");
        tree.checkQuota("/app/x", 8, 1);
        assertQuotaExceeded("/app/x", 9, 1);
        ops.create("/app/x", "12345678");
        assertQuotaExceeded("/app/x", 1, 0);
        tree.checkQuota("/app/x", -3, 0);
    }

    @Test
    void softLimitsNeverFail() {
        ops.create("/app", "");
        setQuota("/app", "count=1,bytes=1");
        ops.create("/app/a", "xyz");
        assertWithinQuota("/app/b", 5, 1);
    }

    @Test
    void onlyTheDeepestQuotaIsChecked() {
        ops.create("/a", "");
        ops.create("/a/b", "");
        setQuota("/a", "count=-1,bytes=-1=;countHardLimit=2");
        setQuota("/a/b", "count=-1,bytes=-1=;countHardLimit=100");
        // /a already holds 2 nodes; ZooKeeper only checks the deepest quota (/a/b).
        assertWithinQuota("/a/b/c", 0, 1);
        assertQuotaExceeded("/a/c", 0, 1);
    }

    @Test
    void quotaOnTheRootIsIgnoredLikeZooKeeper() {
        ops.create("/zookeeper/quota/zookeeper_limits", bytes("countHardLimit=0"), 0);
        ops.create("/zookeeper/quota/zookeeper_stats", bytes("count=0,bytes=0"), 0);
        assertWithinQuota("/x", 1, 1);
        assertThat(tree.maxQuotaPrefix("/x")).isNull();
    }

    @Test
    void missingStatsNodeIsTolerated() {
        ops.create("/app", "");
        ops.create("/zookeeper/quota/app", null, 0);
        ops.create("/zookeeper/quota/app/zookeeper_limits", bytes("count=-1,bytes=-1=;countHardLimit=0"), 0);
        assertThat(ops.create("/app/x", "1").err()).isEqualTo(Code.OK);
        assertWithinQuota("/app/y", 1, 1);
    }

    private void assertWithinQuota(String path, long bytes, int count) {
        assertThatCode(() -> tree.checkQuota(path, bytes, count)).doesNotThrowAnyException();
    }

    private void assertQuotaExceeded(String path, long bytes, int count) {
        assertThatThrownBy(() -> tree.checkQuota(path, bytes, count))
                .isInstanceOf(ZkException.class)
                .extracting(e -> ((ZkException) e).code())
                .isEqualTo(Code.QUOTAEXCEEDED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "count=5,bytes=100",
                "count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=5",
                "count=3;bytes=7",
                "bytes=9",
                "countHardLimit=2,byteHardLimit=20",
                "count=1,bytes=2=",
                ""
            })
    void parsesAndPrintsLikeStatsTrack(String text) {
        QuotaStats ours = QuotaStats.parse(bytes(text));
        StatsTrack theirs = new StatsTrack(text);
        assertThat(ours.count()).isEqualTo(theirs.getCount());
        assertThat(ours.bytes()).isEqualTo(theirs.getBytes());
        assertThat(ours.countHardLimit()).isEqualTo(theirs.getCountHardLimit());
        assertThat(ours.byteHardLimit()).isEqualTo(theirs.getByteHardLimit());
        assertThat(ours.toString()).isEqualTo(theirs.toString());
        theirs.setCount(theirs.getCount() + 2);
        theirs.setBytes(theirs.getBytes() - 1);
        assertThat(ours.add(2, -1).toString()).isEqualTo(theirs.toString());
    }

    @Test
    void nullStatsDataParsesAsUnset() {
        assertThat(QuotaStats.parse(null).count()).isEqualTo(-1);
    }
}
