package io.coordinator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.testsupport.LoopbackPorts.Range;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
    @Test
    void withoutForkPropertiesTheWholeRangeBelowTheEphemeralOnes() {
        assertThat(Range.of(null, null)).isEqualTo(new Range(10_000, 32_000));
    }

    @Test
    void forksTakeDisjointSlicesThatStayInTheRange() {
        for (int forks = 1; forks <= 7; forks++) {
            int end = 10_000;
            for (int fork = 1; fork <= forks; fork++) {
                Range r = Range.of(Integer.toString(fork), " " + forks + " ");
                assertThat(r.first()).as("fork %d of %d", fork, forks).isEqualTo(end);
                assertThat(r.size()).isEqualTo(22_000 / forks);
                end = r.last();
            }
            assertThat(end).isLessThanOrEqualTo(32_000);
        }
        assertThat(Range.of("2", "2")).isEqualTo(new Range(21_000, 32_000));
    }

    @Test
    void aBadForkSettingIsNamed() {
        assertThatThrownBy(() -> Range.of("3", "2"))
                .hasMessageContaining("loopbackPorts.fork must be an integer from 1 to 2")
                .hasMessageEndingWith("but is 3");
        assertThatThrownBy(() -> Range.of("0", "2")).hasMessageContaining("loopbackPorts.fork ");
        assertThatThrownBy(() -> Range.of("1", "two")).hasMessageContaining("loopbackPorts.forks must be");
        assertThatThrownBy(() -> Range.of("${surefire.forkNumber}", "2"))
                .hasMessageEndingWith("but is ${surefire.forkNumber}");
        assertThatThrownBy(() -> Range.of("1", null))
                .hasMessageContaining("set loopbackPorts.fork and loopbackPorts.forks together");
        assertThatThrownBy(() -> Range.of(null, "2")).hasMessageContaining("loopbackPorts.fork must be");
    }

    @Test
    void handsOutBindablePortsNeverTwice() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = LoopbackPorts.next();
            assertThat(port).isBetween(10_000, 31_999);
            assertThat(seen.add(port)).isTrue();
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        }
    }
}
