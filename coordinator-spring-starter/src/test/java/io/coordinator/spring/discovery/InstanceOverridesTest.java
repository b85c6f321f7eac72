package io.coordinator.spring.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

class InstanceOverridesTest {
    private static final ServiceInstance A =
            new DefaultServiceInstance("a", "orders", "10.0.0.1", 80, false, Map.of("weight", "1", "zone", "z1"));
    private static final ServiceInstance B = new DefaultServiceInstance("b", "orders", "10.0.0.2", 80, false);

    private static InstanceOverrides.Override parse(String json) {
        return InstanceOverrides.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesWhatTheServerWritesAndIgnoresWhatItDoesNot() {
        assertThat(parse("{\"enabled\":false,\"author\":\"alice\"}"))
                .isEqualTo(new InstanceOverrides.Override(false, null));
        assertThat(parse("{\"weight\":3}")).isEqualTo(new InstanceOverrides.Override(true, 3));
        assertThat(parse("{\"weight\":0}")).isEqualTo(new InstanceOverrides.Override(true, null));
        assertThat(parse("not json")).isNull();
        assertThat(parse("[1]")).isNull();
        assertThat(InstanceOverrides.parse(new byte[0])).isNull();
    }

    @Test
    void disabledInstancesAreLeftOutAndWeightsReplaced() {
        List<ServiceInstance> served = InstanceOverrides.apply(
                List.of(A, B),
                Map.of("a", new InstanceOverrides.Override(true, 4), "b", new InstanceOverrides.Override(false, null)));
        assertThat(served).hasSize(1);
        assertThat(served.get(0).getInstanceId()).isEqualTo("a");
        assertThat(served.get(0).getMetadata()).containsEntry("weight", "4").containsEntry("zone", "z1");
        assertThat(InstanceOverrides.apply(List.of(A, B), Map.of())).containsExactly(A, B);
        assertThat(InstanceOverrides.apply(List.of(A, B), null)).containsExactly(A, B);
    }
}
