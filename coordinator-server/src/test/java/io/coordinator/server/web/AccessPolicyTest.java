package io.coordinator.server.web;

import static io.coordinator.server.web.AccessPolicy.Action.PUBLISH;
import static io.coordinator.server.web.AccessPolicy.Action.READ;
import static io.coordinator.server.web.AccessPolicy.Action.ROLLBACK;
import static io.coordinator.server.web.AccessPolicy.Action.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.web.AccessPolicy.Action;
import io.coordinator.server.web.AccessPolicy.Grant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Roles, grants and their patterns, as a table. */
class AccessPolicyTest {
    static final AccessPolicy POLICY = new AccessPolicy(Map.of(
            "admin", AccessPolicy.grantsOf(WebProperties.Role.ADMIN, List.of()),
            "viewer", AccessPolicy.grantsOf(WebProperties.Role.READ_ONLY, List.of()),
            "shop", AccessPolicy.grantsOf(null, List.of(new Grant(List.of("shop,*"), null, Set.of(READ, PUBLISH)))),
            "prod", AccessPolicy.grantsOf(null, List.of(new Grant(List.of("*,prod", "billing"), null, Set.of(READ)))),
            "glob", AccessPolicy.grantsOf(null, List.of(new Grant(List.of("web-*,dev*"), null, Set.of(ROLLBACK)))),
            "apps",
                    AccessPolicy.grantsOf(
                            WebProperties.Role.READ_ONLY,
                            List.of(new Grant(null, List.of("/apps/shop/**", "/jobs/*"), Set.of(WRITE))))));

    @ParameterizedTest(name = "{0} {1} {2},{3} -> {4}")
    @CsvSource(
            nullValues = "-",
            value = {
                "admin,   ROLLBACK, billing,  prod,  true",
                "viewer,  READ,     billing,  prod,  true",
                "viewer,  PUBLISH,  billing,  prod,  false",
                "shop,    READ,     shop,     prod,  true",
                "shop,    PUBLISH,  shop,     dev,   true",
                "shop,    PUBLISH,  shop,     -,     true", // * matches the context without a profile too
                "shop,    ROLLBACK, shop,     prod,  false",
                "shop,    READ,     billing,  prod,  false",
                "shop,    READ,     shopping, prod,  false",
                "prod,    READ,     shop,     prod,  true",
                "prod,    READ,     shop,     dev,   false",
                "prod,    READ,     shop,     -,     false",
                "prod,    READ,     billing,  -,     true", // 'billing': the context without a profile only
                "prod,    READ,     billing,  dev,   false",
                "prod,    PUBLISH,  shop,     prod,  false",
                "glob,    ROLLBACK, web-shop, dev-2, true",
                "glob,    ROLLBACK, web,      dev,   false",
                "glob,    ROLLBACK, web-shop, prod,  false",
                "nobody,  READ,     shop,     prod,  false",
            })
    void contexts(String user, Action action, String app, String profile, boolean allowed) {
        assertThat(POLICY.forUser(user).mayOnContext(action, app, profile)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource({
        "admin,  WRITE, /,                true",
        "viewer, READ,  /,                true",
        "viewer, WRITE, /a,               false",
        "apps,   WRITE, /apps/shop,       true",
        "apps,   WRITE, /apps/shop/a/b,   true",
        "apps,   WRITE, /apps/shopping,   false",
        "apps,   WRITE, /apps,            false",
        "apps,   WRITE, /jobs/one,        true",
        "apps,   WRITE, /jobs/one/two,    false",
        "apps,   WRITE, /jobs,            false",
        "apps,   READ,  /anything,        true", // READ_ONLY role plus the grants
        "shop,   READ,  '/config/shop,prod', false", // context grants say nothing of raw znodes (Access maps those)
    })
    void znodes(String user, Action action, String path, boolean allowed) {
        assertThat(POLICY.forUser(user).mayOnZnode(action, path)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                "shop,prod,x | - | READ | a context pattern is <application>[,<profile>]",
                ",prod | - | READ | a context pattern is <application>[,<profile>]",
                "shop, | - | READ | a context pattern is <application>[,<profile>]",
                "- | apps/** | READ | a znode pattern is an absolute path",
                "- | /apps/** | PUBLISH | publish and rollback apply to contexts",
                "shop | - | WRITE | write applies to znodes",
            })
    void malformedGrantsAreNamed(String context, String znode, Action action, String message) {
        Grant g = new Grant(
                context == null ? List.of() : List.of(context),
                znode == null ? List.of() : List.of(znode),
                Set.of(action));
        assertThatThrownBy(() -> AccessPolicy.validate(g))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
