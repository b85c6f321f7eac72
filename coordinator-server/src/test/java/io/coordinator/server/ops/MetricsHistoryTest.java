package io.coordinator.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.cluster.EnsembleDriver;
import io.coordinator.server.net.ClientPortServer;
import io.coordinator.server.request.ServerView;
import io.coordinator.server.storage.GroupCommitLog;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ring of samples: what a second of requests becomes, the order samples come back in, the bound. */
class MetricsHistoryTest {
    /** A server that is not running: every sample reads zeros from it. */
    static final ServerHandle STOPPED = new ServerHandle() {
        @Override
        public int serverId() {
            return 0;
        }

        @Override
        public List<Member> members() {
            return List.of();
        }

        @Override
        public boolean isServing() {
            return false;
        }

        @Override
        public ServerView view() {
            return null;
        }

        @Override
        public EnsembleDriver ensemble() {
            return null;
        }

        @Override
        public CompletableFuture<StateCopy> copyState() {
            return CompletableFuture.failedFuture(new IllegalStateException("not running"));
        }

        @Override
        public long restore(byte[] backup, String source) {
            throw new IllegalStateException("not running");
        }

        @Override
        public GroupCommitLog commitLog() {
            return null;
        }

        @Override
        public ClientPortServer clientPort() {
            return null;
        }

        @Override
        public String clientHost() {
            return "127.0.0.1";
        }

        @Override
        public byte[] derivedKey(String purpose) {
            return null;
        }
    };

    @Test
    void readsAndWritesAreCountedApartAndPingsNotAtAll() {
        MetricsHistory h = new MetricsHistory(STOPPED);
        h.sample(); // the first interval starts here
        for (int i = 0; i < 30; i++) {
            h.requestCompleted("GETD", 200_000); // 200 µs
        }
        for (int i = 0; i < 10; i++) {
            h.requestCompleted("SETD", 5_000_000); // 5 ms
        }
        h.requestCompleted("PING", 900_000_000);
        h.requestCompleted("SETW", 900_000_000);
        h.sample();
        MetricsSample s = h.last(1).get(0);
        // rates are per second of the interval, which took what it took: compare them with each other
        assertThat(s.readsPerSecond()).isPositive();
        assertThat(s.readsPerSecond() / s.writesPerSecond()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.1));
        // p99 of 40 requests is the slowest group (HdrHistogram: within 1%), the ping and setWatches left out
        assertThat(s.p99Micros()).isBetween(4_950L, 5_050L);
        h.sample();
        assertThat(h.last(1).get(0).readsPerSecond()).isZero();
        assertThat(h.last(1).get(0).p99Micros()).isZero();
    }

    @Test
    void tenMinutesAreKeptOldestFirst() {
        AtomicLong clock = new AtomicLong();
        MetricsHistory h = new MetricsHistory(STOPPED, clock::incrementAndGet);
        for (int i = 0; i < MetricsHistory.CAPACITY + 50; i++) {
            h.sample();
        }
        List<MetricsSample> all = h.last(10_000);
        assertThat(all).hasSize(MetricsHistory.CAPACITY);
        assertThat(all.get(0).time()).isEqualTo(51);
        assertThat(all.get(all.size() - 1).time()).isEqualTo(MetricsHistory.CAPACITY + 50);
        assertThat(h.last(3)).extracting(MetricsSample::time).containsExactly(648L, 649L, 650L);
        assertThat(h.last(0)).isEmpty();
    }
}
