package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;

/** The grants as ACLs: which digest ids get which permissions on a context, its history and a raw znode. */
class WireAclsTest {
    private static final Id REST = new Id("digest", "coordinator-web:abc");

    private static String digest(String userPassword) throws Exception {
        return DigestAuthenticationProvider.generateDigest(userPassword);
    }

    private static WebProperties.User user(String digest, WebProperties.Role role, String... grants) {
        WebProperties.User u = new WebProperties.User();
        u.setPassword("{noop}x");
        u.setRole(role);
        u.setWireDigest(digest);
        for (String g : grants) { // "context|znode pattern actions..."
            String[] parts = g.split(" ");
            WebProperties.Grant grant = new WebProperties.Grant();
            if (parts[0].startsWith("/")) {
                grant.setZnode(parts[0]);
            } else {
                grant.setContext(parts[0]);
            }
            for (int i = 1; i < parts.length; i++) {
                grant.getActions().add(AccessPolicy.Action.valueOf(parts[i]));
            }
            u.getGrants().add(grant);
        }
        return u;
    }

    private static WireAcls acls(boolean anonymousRead, Map<String, WebProperties.User> users) {
        WebProperties props = new WebProperties();
        props.setAnonymousRead(anonymousRead);
        props.getUsers().putAll(users);
        return new WireAcls(props, new SecurityConfiguration().accessPolicy(props));
    }

    @Test
    void grantsBecomePermissionsOfTheUsersDigest() throws Exception {
        WireAcls acls = acls(
                false,
                Map.of(
                        "alice", user(digest("alice:a"), null, "shop,* READ PUBLISH"),
                        "bob", user(digest("bob:b"), null, "*,prod ROLLBACK", "/apps/** READ"),
                        "root", user(digest("root:r"), WebProperties.Role.ADMIN),
                        "reader", user(digest("reader:r"), WebProperties.Role.READ_ONLY),
                        "restonly", user(null, WebProperties.Role.ADMIN)));
        Id alice = new Id("digest", digest("alice:a"));
        Id bob = new Id("digest", digest("bob:b"));
        Id root = new Id("digest", digest("root:r"));
        Id reader = new Id("digest", digest("reader:r"));
        int change = Perms.WRITE | Perms.CREATE | Perms.DELETE;

        assertThat(acls.forContext(new ConfigStore.Context("shop", "prod"), REST))
                .containsExactlyInAnyOrder(
                        new ACL(Perms.ALL, REST),
                        new ACL(Perms.READ | change, alice),
                        new ACL(change, bob),
                        new ACL(Perms.ALL, root),
                        new ACL(Perms.READ, reader));
        assertThat(acls.forContext(new ConfigStore.Context("billing", "dev"), REST))
                .containsExactlyInAnyOrder(
                        new ACL(Perms.ALL, REST), new ACL(Perms.ALL, root), new ACL(Perms.READ, reader));
        assertThat(acls.forHistory(new ConfigStore.Context("shop", "prod"), REST))
                .containsExactlyInAnyOrder(
                        new ACL(Perms.ALL, REST),
                        new ACL(Perms.READ, alice),
                        new ACL(Perms.READ, root), // the history is changed by the REST layer alone
                        new ACL(Perms.READ, reader));
        assertThat(acls.forZnode("/apps/shop/x", REST))
                .containsExactlyInAnyOrder(
                        new ACL(Perms.ALL, REST),
                        new ACL(Perms.READ, bob),
                        new ACL(Perms.ALL, root),
                        new ACL(Perms.READ, reader));
        assertThat(acls.forZnode("/config/shop,prod/color", REST))
                .isEqualTo(acls.forContext(new ConfigStore.Context("shop", "prod"), REST));
        assertThat(acls.forRoot(REST)).contains(new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE));
    }

    @Test
    void anonymousReadAddsReadForEveryone() {
        WireAcls acls = acls(true, Map.of());
        assertThat(acls.forContext(new ConfigStore.Context("shop", null), REST))
                .containsExactly(new ACL(Perms.ALL, REST), new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE));
        assertThat(acls(false, Map.of()).forContext(new ConfigStore.Context("shop", null), REST))
                .isEqualTo(List.of(new ACL(Perms.ALL, REST)));
    }

    @Test
    void aMalformedOrForeignDigestIsNamed() throws Exception {
        String bobs = digest("bob:b");
        assertThatThrownBy(() -> acls(false, Map.of("alice", user(bobs, null, "shop READ"))))
                .hasMessage("coordinator.web.users.alice.wire-digest is the digest of user 'bob', not of 'alice'");
        assertThatThrownBy(() -> acls(false, Map.of("alice", user("alice:not-base64!", null, "shop READ"))))
                .hasMessageStartingWith("coordinator.web.users.alice.wire-digest is not a ZooKeeper digest")
                .hasMessageContaining("hash-password alice");
        // the hash alone is accepted as well
        String hashOnly = digest("alice:a").substring("alice:".length());
        assertThat(acls(false, Map.of("alice", user(hashOnly, null, "shop READ")))
                        .forContext(new ConfigStore.Context("shop", null), REST))
                .contains(new ACL(Perms.READ, new Id("digest", digest("alice:a"))));
    }
}
