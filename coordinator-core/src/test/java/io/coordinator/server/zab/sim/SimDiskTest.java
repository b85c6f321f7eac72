package io.coordinator.server.zab.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.Zxids;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The simulated disk's crash modes: what each keeps of the unsynced tail, and that the rest stays durable. */
class SimDiskTest {

    /** A disk with records 1..5 of epoch 1, the first two fsynced. */
    private static SimDisk disk(SimDisk.Flaw flaw) {
        SimDisk d = new SimDisk(flaw);
        for (int i = 1; i <= 5; i++) {
            d.append(rec(i, 10));
        }
        d.fsyncWrittenBy(2);
        return d;
    }

    private static TxnRecord rec(int counter, int bytes) {
        Txn t = new Txn.Create("/n" + counter, new byte[bytes], Acl.OPEN_ACL_UNSAFE, 0, counter);
        return new TxnRecord(new TxnHeader(1, counter, Zxids.make(1, counter), 0, t.type()), t);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // mode, keep, records left, durable after the crash, durable after the restart, torn
                Arguments.of(SimDisk.CrashMode.DROP_ALL, 0, 2, 2, 2, false),
                Arguments.of(SimDisk.CrashMode.DROP_ALL, 2, 2, 2, 2, false), // keep= is ignored
                Arguments.of(SimDisk.CrashMode.KEEP_PREFIX, 0, 2, 2, 2, false),
                Arguments.of(SimDisk.CrashMode.KEEP_PREFIX, 1, 3, 3, 3, false),
                Arguments.of(SimDisk.CrashMode.KEEP_PREFIX, 3, 5, 5, 5, false),
                Arguments.of(SimDisk.CrashMode.TORN_LAST, 0, 2, 2, 2, true),
                Arguments.of(SimDisk.CrashMode.TORN_LAST, 2, 4, 4, 4, true),
                Arguments.of(SimDisk.CrashMode.ZERO_PAGE, 0, 2, 2, 2, false),
                Arguments.of(SimDisk.CrashMode.ZERO_PAGE, 2, 4, 4, 4, false),
                // the page cache keeps everything, not yet durable; the restart's open forces it
                Arguments.of(SimDisk.CrashMode.KILL, 0, 5, 2, 5, false));
    }

    @ParameterizedTest(name = "{0} keep={1}")
    @MethodSource("table")
    void crashKeepsAnInOrderPrefixOfTheUnsyncedTail(
            SimDisk.CrashMode mode, int keep, int left, int durable, int durableAfterRestart, boolean torn) {
        SimDisk d = disk(SimDisk.Flaw.NONE);
        SimDisk.CrashResult r = d.crash(mode, keep);

        assertThat(r.unsynced()).isEqualTo(3);
        assertThat(r.kept()).isEqualTo(left - 2);
        assertThat(r.torn()).isEqualTo(torn);
        assertThat(d.log).extracting(TxnRecord::zxid).containsExactlyElementsOf(zxids(left));
        assertThat(d.durableCount).isEqualTo(durable);
        assertThat(d.holdsDurably(Zxids.make(1, 2)))
                .as("fsynced records always survive")
                .isTrue();
        d.reopen();
        assertThat(d.durableCount).isEqualTo(durableAfterRestart);
        assertThat(d.holdsDurably(d.lastZxid())).isTrue();
    }

    @Test
    void torn_last_and_zero_page_cannot_keep_the_whole_tail_and_no_mode_keeps_more_than_was_written() {
        for (SimDisk.CrashMode mode : List.of(SimDisk.CrashMode.TORN_LAST, SimDisk.CrashMode.ZERO_PAGE)) {
            assertThatThrownBy(() -> disk(SimDisk.Flaw.NONE).crash(mode, 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(mode + " cannot keep 3 of 3 unsynced records (at most 2)");
        }
        assertThatThrownBy(() -> disk(SimDisk.Flaw.NONE).crash(SimDisk.CrashMode.KEEP_PREFIX, 4))
                .hasMessageContaining("cannot keep 4 of 3");
        assertThatThrownBy(() -> disk(SimDisk.Flaw.NONE).crash(SimDisk.CrashMode.KEEP_PREFIX, -1))
                .hasMessageContaining("cannot keep -1 of 3");
    }

    @Test
    void a_crash_with_nothing_unsynced_changes_nothing_in_any_mode() {
        for (SimDisk.CrashMode mode : SimDisk.CrashMode.values()) {
            SimDisk d = disk(SimDisk.Flaw.NONE);
            d.fsyncAll();
            SimDisk.CrashResult r = d.crash(mode, new Random(1));
            assertThat(r).isEqualTo(new SimDisk.CrashResult(mode, 0, 0, false));
            assertThat(d.log).hasSize(5);
            assertThat(d.durableCount).isEqualTo(5);
        }
    }

    @Test
    void random_crashes_pick_every_mode_and_every_legal_prefix_and_repeat_with_the_seed() {
        Map<SimDisk.CrashMode, int[]> keptCounts = new EnumMap<>(SimDisk.CrashMode.class);
        Random rnd = new Random(42);
        Random again = new Random(42);
        for (int i = 0; i < 2000; i++) {
            SimDisk.CrashResult r = disk(SimDisk.Flaw.NONE).crash(rnd);
            assertThat(disk(SimDisk.Flaw.NONE).crash(again)).as("deterministic").isEqualTo(r);
            keptCounts.computeIfAbsent(r.mode(), m -> new int[4])[r.kept()]++;
        }
        assertThat(keptCounts).containsOnlyKeys(SimDisk.CrashMode.values());
        assertThat(keptCounts.get(SimDisk.CrashMode.DROP_ALL))
                .satisfies(c -> assertThat(c[0]).isPositive());
        assertThat(keptCounts.get(SimDisk.CrashMode.KILL))
                .satisfies(c -> assertThat(c[3]).isPositive());
        assertThat(keptCounts.get(SimDisk.CrashMode.KEEP_PREFIX)).doesNotContain(0);
        int[] torn = keptCounts.get(SimDisk.CrashMode.TORN_LAST);
        assertThat(new int[] {torn[0], torn[1], torn[2]}).doesNotContain(0);
        assertThat(torn[3]).isZero();
    }

    @Test
    void zero_page_loses_the_record_the_page_starts_in_and_everything_after_it() {
        // three unsynced records of about 3 KB each: a zeroed page can hit any of them; the records before it stay
        int[] kept = new int[4];
        Random rnd = new Random(7);
        for (int i = 0; i < 500; i++) {
            SimDisk d = new SimDisk();
            d.append(rec(1, 10));
            d.fsyncAll();
            for (int c = 2; c <= 4; c++) {
                d.append(rec(c, 3000));
            }
            SimDisk.CrashResult r = d.crash(SimDisk.CrashMode.ZERO_PAGE, rnd);
            kept[r.kept()]++;
            assertThat(d.log).extracting(TxnRecord::zxid).containsExactlyElementsOf(zxids(1 + r.kept()));
        }
        assertThat(new int[] {kept[0], kept[1], kept[2]}).doesNotContain(0);
        assertThat(kept[3]).isZero();
    }

    @Test
    void the_flawed_models_keep_a_torn_record_or_trust_the_page_cache() {
        SimDisk torn = disk(SimDisk.Flaw.TORN_RECORD_KEPT);
        torn.crash(SimDisk.CrashMode.TORN_LAST, 1);
        assertThat(torn.log).extracting(TxnRecord::zxid).containsExactlyElementsOf(zxids(4));
        assertThat(torn.log.get(3)).isNotEqualTo(rec(4, 10));

        SimDisk trusting = disk(SimDisk.Flaw.OPEN_SKIPS_FSYNC);
        trusting.crash(SimDisk.CrashMode.KILL, 0);
        trusting.reopen();
        assertThat(trusting.durableCount).as("still only what was fsynced").isEqualTo(2);
        assertThat(trusting.lastZxid()).isEqualTo(Zxids.make(1, 5));
    }

    private static List<Long> zxids(int count) {
        return Stream.iterate(1, i -> i + 1)
                .limit(count)
                .map(i -> Zxids.make(1, i))
                .toList();
    }
}
