package io.coordinator.server.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SaslAuthenticatorTest {

    @Test
    void aServicePrincipalWithServiceHostAndRealmServesGssapi() {
        SaslAuthenticator a =
                SaslAuthenticator.kerberos(new Subject(), "zookeeper/zk1.example.com@EXAMPLE.COM", false, false);

        assertThat(a.mechanism()).isEqualTo("GSSAPI");
    }

    /** ZooKeeper's server principal must name a service and a host: anything else is refused at start, saying so. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "zookeeper@EXAMPLE.COM",
                "zookeeper/zk1.example.com",
                "/zk1@EXAMPLE.COM",
                "zookeeper/@EXAMPLE.COM"
            })
    void aPrincipalWithoutServiceOrHostIsRefusedNamingTheForm(String principal) {
        assertThatThrownBy(() -> SaslAuthenticator.kerberos(new Subject(), principal, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a Kerberos service principal is <service>/<host>@<REALM>, not '" + principal + "'");
    }
}
