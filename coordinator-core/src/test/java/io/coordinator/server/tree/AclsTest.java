package io.coordinator.server.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.Perms;
import io.coordinator.server.protocol.ZkException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apache.zookeeper.server.auth.IPAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AclsTest {
    private static final Id IP_LOCAL = new Id("ip", "127.0.0.1");
    private static final Id BOB = new Id("digest", "bob:" + "x");

    private static boolean permits(List<Acl> acl, int perm, Id... ids) {
        return Acls.permits(acl, perm, List.of(ids));
    }

    private static List<Acl> acl(int perms, String scheme, String id) {
        return List.of(new Acl(perms, new Id(scheme, id)));
    }

    @Test
    void worldAnyoneGrantsItsPermsToEveryone() {
        assertThat(Acls.permits(Acl.OPEN_ACL_UNSAFE, Perms.WRITE, List.of())).isTrue();
        assertThat(permits(Acl.READ_ACL_UNSAFE, Perms.READ, IP_LOCAL)).isTrue();
        assertThat(permits(Acl.READ_ACL_UNSAFE, Perms.WRITE, IP_LOCAL)).isFalse();
        assertThat(Acls.permits(Acl.READ_ACL_UNSAFE, Perms.ADMIN, null)).isFalse();
    }

    @Test
    void emptyOrNullAclGrantsEverything() {
        assertThat(Acls.permits(List.of(), Perms.ADMIN, List.of())).isTrue();
        assertThat(Acls.permits(null, Perms.DELETE, List.of())).isTrue();
    }

    @Test
    void superBypassesEverything() {
        List<Acl> acl = acl(Perms.READ, "digest", "alice:abc");
        assertThat(permits(acl, Perms.ADMIN, IP_LOCAL)).isFalse();
        assertThat(permits(acl, Perms.ADMIN, IP_LOCAL, new Id("super", ""))).isTrue();
    }

    @Test
    void digestMatchesByExactId() {
        String id = Acls.digest("alice:secret");
        List<Acl> acl = acl(Perms.READ | Perms.WRITE, "digest", id);
        assertThat(permits(acl, Perms.WRITE, IP_LOCAL, new Id("digest", id))).isTrue();
        assertThat(permits(acl, Perms.DELETE, new Id("digest", id))).isFalse();
        assertThat(permits(acl, Perms.READ, new Id("digest", Acls.digest("alice:wrong"))))
                .isFalse();
        assertThat(permits(acl, Perms.READ, new Id("ip", id))).isFalse();
    }

    @Test
    void otherSchemesMatchByExactId() {
        List<Acl> acl = acl(Perms.READ, "sasl", "zk/host@REALM");
        assertThat(permits(acl, Perms.READ, new Id("sasl", "zk/host@REALM"))).isTrue();
        assertThat(permits(acl, Perms.READ, new Id("sasl", "zk/other@REALM"))).isFalse();
    }

    @Test
    void anyMatchingEntryIsEnough() {
        List<Acl> acl =
                List.of(new Acl(Perms.READ, new Id("ip", "10.1.2.3")), new Acl(Perms.ALL, new Id("digest", "bob:x")));
        assertThat(permits(acl, Perms.ADMIN, IP_LOCAL, BOB)).isTrue();
        assertThat(permits(acl, Perms.ADMIN, new Id("ip", "10.1.2.3"))).isFalse();
        assertThat(permits(acl, Perms.READ, new Id("ip", "10.1.2.3"))).isTrue();
    }

    @Test
    void digestIsBase64OfSha1() {
        // Known value from the ZooKeeper docs: super:test
        assertThat(Acls.digest("super:test")).isEqualTo("super:D/InIHSb7yEEbrWz8b9l71RjZJU=");
    }

    @ParameterizedTest
    @CsvSource({"alice:secret", "bob:", "a:b:c", "user:pässwörd"})
    void digestAgreesWithZooKeeper(String userPass) throws Exception {
        assertThat(Acls.digest(userPass)).isEqualTo(DigestAuthenticationProvider.generateDigest(userPass));
    }

    @ParameterizedTest
    @CsvSource({
        "10.1.2.3, 10.0.0.0/8, true",
        "11.1.2.3, 10.0.0.0/8, false",
        "192.168.1.77, 192.168.1.0/24, true",
        "192.168.2.77, 192.168.1.0/24, false",
        "192.168.1.77, 192.168.1.64/26, true",
        "192.168.1.63, 192.168.1.64/26, false",
        "127.0.0.1, 127.0.0.1, true",
        "127.0.0.2, 127.0.0.1, false",
        "127.0.0.2, 127.0.0.1/32, false",
        "8.8.8.8, 0.0.0.0/0, true",
        "1.2.3.4, 1.2.3.4/33, false",
        "1.2.3.4, 1.2.3.4/-1, false",
        "1.2.3.4, 1.2.3.4/x, false",
        "1.2.3.4, 1.2.3, false",
        "1.2.3.4, 1.2.3.256, false",
        "1.2.3.4, host.example.com, false",
        "fe80::1, fe80::/16, true",
        "fe81::1, fe80::/16, false",
        "2001:db8::1, 2001:db8:0:0:0:0:0:1, true",
        "::1, ::1, true",
        "::1, 127.0.0.1, false",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:0/112, true",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:0/128, false",
        "1:2:3:4:5:6:7:8, 1::2::3, false",
        "1:2:3:4:5:6:7:8, 12345::, false",
        "1:2:3:4:5:6:7:8, g::, false",
    })
    void ipMatchingAgreesWithZooKeeper(String client, String aclExpr, boolean expected) {
        List<Acl> acl = acl(Perms.READ, "ip", aclExpr);
        assertThat(permits(acl, Perms.READ, new Id("ip", client))).isEqualTo(expected);
        assertThat(new IPAuthenticationProvider().matches(client, aclExpr)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/8", "1.2.3.4", "0.0.0.0/0", "1.2.3.4/32", "fe80::/16", "::1", "1:2:3:4:5:6:7:8/128"})
    void validIpIds(String id) {
        assertThat(Acls.fixup(acl(Perms.READ, "ip", id), List.of())).isEqualTo(acl(Perms.READ, "ip", id));
        assertThat(new IPAuthenticationProvider().isValid(id)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"1.2.3.4/33", "1.2.3", "1.2.3.4.5", "300.1.1.1", "host", "1.2.3.4/x", "::1/129", "a.b.c.d"})
    void invalidIpIdsAreInvalidAcl(String id) {
        assertInvalid(acl(Perms.READ, "ip", id), List.of());
        assertThat(new IPAuthenticationProvider().isValid(id)).isFalse();
    }

    @Test
    void fixupRejectsNullEmptyAndMalformedEntries() {
        assertInvalid(null, List.of());
        assertInvalid(List.of(), List.of());
        assertInvalid(Arrays.asList((Acl) null), List.of());
        assertInvalid(List.of(new Acl(Perms.ALL, null)), List.of());
        assertInvalid(acl(Perms.ALL, null, "anyone"), List.of());
        assertInvalid(acl(Perms.ALL, "world", "someone"), List.of());
        assertInvalid(acl(Perms.ALL, "world", null), List.of());
        assertInvalid(acl(Perms.ALL, "nosuch", "x"), List.of());
        assertInvalid(acl(Perms.ALL, "digest", "nocolon"), List.of());
        assertInvalid(acl(Perms.ALL, "digest", "user:"), List.of());
        assertInvalid(acl(Perms.ALL, "digest", "a:b:c"), List.of());
        assertInvalid(acl(Perms.ALL, "digest", null), List.of());
        assertInvalid(acl(Perms.ALL, "sasl", "someone"), List.of());
        // One bad entry spoils the list.
        List<Acl> mixed = new ArrayList<>(Acl.OPEN_ACL_UNSAFE);
        mixed.add(new Acl(Perms.READ, new Id("ip", "nope")));
        assertInvalid(mixed, List.of());
    }

    @Test
    void fixupKeepsValidEntriesAndRemovesDuplicates() {
        List<Acl> in = List.of(
                new Acl(Perms.ALL, Id.ANYONE),
                new Acl(Perms.READ, new Id("digest", "u:h")),
                new Acl(Perms.ALL, Id.ANYONE),
                new Acl(Perms.READ, new Id("ip", "10.0.0.0/8")));
        assertThat(Acls.fixup(in, List.of()))
                .containsExactly(
                        new Acl(Perms.ALL, Id.ANYONE),
                        new Acl(Perms.READ, new Id("digest", "u:h")),
                        new Acl(Perms.READ, new Id("ip", "10.0.0.0/8")));
    }

    @Test
    void fixupDoesNotCheckPermissionBitsLikeZooKeeper() {
        assertThat(Acls.fixup(acl(0, "world", "anyone"), List.of())).isEqualTo(acl(0, "world", "anyone"));
        assertThat(Acls.fixup(acl(64, "world", "anyone"), List.of())).isEqualTo(acl(64, "world", "anyone"));
    }

    @Test
    void fixupExpandsAuthToAuthenticatedNonIpIds() {
        Id digest = new Id("digest", "bob:hash");
        List<Acl> out = Acls.fixup(acl(Perms.ALL, "auth", ""), List.of(IP_LOCAL, digest));
        assertThat(out).containsExactly(new Acl(Perms.ALL, digest));
        // Kazoo sends the auth id as null.
        assertThat(Acls.fixup(acl(Perms.READ, "auth", null), List.of(IP_LOCAL, digest)))
                .containsExactly(new Acl(Perms.READ, digest));
        Id digest2 = new Id("digest", "carol:hash");
        assertThat(Acls.fixup(acl(Perms.READ, "auth", ""), List.of(digest, IP_LOCAL, digest2)))
                .containsExactly(new Acl(Perms.READ, digest), new Acl(Perms.READ, digest2));
    }

    @Test
    void authWithoutAuthenticatedIdsIsInvalid() {
        assertInvalid(acl(Perms.ALL, "auth", ""), List.of(IP_LOCAL));
        assertInvalid(acl(Perms.ALL, "auth", ""), List.of());
        assertInvalid(acl(Perms.ALL, "auth", ""), null);
        assertInvalid(acl(Perms.ALL, "auth", ""), List.of(new Id("super", "")));
    }

    @Test
    void extraSchemesAreAcceptedWhenEnabled() {
        assertThat(Acls.fixup(acl(Perms.ALL, "sasl", "zk@R"), List.of(), Set.of("sasl")))
                .isEqualTo(acl(Perms.ALL, "sasl", "zk@R"));
        Id sasl = new Id("sasl", "zk@R");
        assertThat(Acls.fixup(acl(Perms.ALL, "auth", ""), List.of(IP_LOCAL, sasl), Set.of("sasl")))
                .containsExactly(new Acl(Perms.ALL, sasl));
    }

    private static void assertInvalid(List<Acl> acl, List<Id> ids) {
        assertThatThrownBy(() -> Acls.fixup(acl, ids))
                .isInstanceOf(ZkException.class)
                .extracting(e -> ((ZkException) e).code())
                .isEqualTo(Code.INVALIDACL);
    }
}
